from django.urls import path

from vendors import dashboard_views as views

app_name = "vendor_dashboard"

urlpatterns = [
    path("", views.VendorListView.as_view(), name="vendor-list"),
    path("<int:pk>/", views.VendorDetailView.as_view(), name="vendor-detail"),
    path("<int:pk>/decision/", views.VendorDecisionView.as_view(), name="vendor-decision"),
    path("products/pending/", views.ProductApprovalListView.as_view(), name="product-approval-list"),
    path("products/<int:pk>/approve/", views.ProductApproveView.as_view(), name="product-approve"),
    path("profile/", views.VendorProfileUpdateView.as_view(), name="profile"),
    path("import/", views.ProductImportUploadView.as_view(), name="import-upload"),
    path("import/template/", views.ProductImportTemplateView.as_view(), name="import-template"),
    path("import/<int:pk>/", views.ProductImportPreviewView.as_view(), name="import-preview"),
    path("offers/", views.OfferListView.as_view(), name="offer-list"),
    path("offers/new/", views.OfferProductSearchView.as_view(), name="offer-product-search"),
    path("offers/new/<int:product_pk>/", views.OfferCreateView.as_view(), name="offer-create"),
    path("offers/pending/", views.OfferApprovalListView.as_view(), name="offer-approval-list"),
    path("offers/<int:pk>/decision/", views.OfferDecisionView.as_view(), name="offer-decision"),
]

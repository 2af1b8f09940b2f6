from django.urls import path

from vendors import views

app_name = "vendors"

urlpatterns = [
    path("", views.VendorDirectoryView.as_view(), name="directory"),
    path("apply/", views.VendorApplyView.as_view(), name="apply"),
    path("apply/thanks/", views.VendorApplyDoneView.as_view(), name="apply-done"),
    path("<slug:slug>/", views.VendorDetailView.as_view(), name="detail"),
]

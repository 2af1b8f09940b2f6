from django.urls import path

from . import views

app_name = "fulfilment"

urlpatterns = [
    path("", views.VendorOrderListView.as_view(), name="vendor-order-list"),
    path("<int:pk>/", views.VendorOrderDetailView.as_view(), name="vendor-order-detail"),
    path("<int:pk>/pick-list/", views.PickListPrintView.as_view(), name="pick-list-print"),
    path("<int:pk>/pick-list.csv", views.PickListCsvView.as_view(), name="pick-list-csv"),
    path("assembly/<str:number>/", views.AssemblyPlanView.as_view(), name="assembly-plan"),
    path("cancel/<str:number>/", views.OrderCancelPartView.as_view(), name="order-cancel-part"),
    path("substitutions/", views.SubstitutionListView.as_view(), name="substitution-list"),
    path("substitutions/<int:pk>/", views.SubstitutionDetailView.as_view(), name="substitution-detail"),
    path("payouts/held/", views.PayoutsHeldView.as_view(), name="payouts-held"),
    path("payouts/stripe/", views.StripeConnectView.as_view(), name="stripe-connect"),
]

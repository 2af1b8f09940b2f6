from django.urls import path

from supply import views

app_name = "supply_dashboard"

urlpatterns = [
    path("offers/<int:pk>/capacity/", views.OfferCapacityView.as_view(), name="offer-capacity"),
]

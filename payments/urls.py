from django.urls import path

from . import views

app_name = "payments"

urlpatterns = [
    path("stripe/webhook/", views.stripe_webhook, name="stripe-webhook"),
]

# Mounted inside the language-prefixed shop URLs, next to Oscar's dashboard.
dashboard_urlpatterns = [
    path("dashboard/payments/orders/<str:number>/refund/", views.order_refund, name="order-refund"),
]

"""The pages of organisations' members; the dashboard's two come from `procurement.apps.ProcurementConfig`."""

from django.apps import apps
from django.urls import path

from . import views

_config = apps.get_app_config("procurement")

app_name = _config.namespace

urlpatterns = [
    # "" (the organisations) and "leveringer/" (bulk orders to deliver), before "<slug:slug>/".
    *_config.get_urls(),
    path("effekt/", views.impact_all, name="impact-all"),
    path("modtagere-skabelon.csv", views.recipients_template, name="recipients-template"),
    path("invitation/<str:token>/", views.invitation_accept, name="invitation-accept"),
    path("<slug:slug>/", views.organisation_detail, name="organisation"),
    path("<slug:slug>/medlemmer/", views.members, name="members"),
    path("<slug:slug>/ean/", views.locations, name="locations"),
    path("<slug:slug>/sprog/", views.membership_language, name="membership-language"),
    path("<slug:slug>/bestil/", views.order_start, name="order-start"),
    path("<slug:slug>/bestil/tilbud/", views.order_quote, name="order-quote"),
    path("<slug:slug>/bestil/tilbud/tilpas/", views.order_quote_adjust, name="order-quote-adjust"),
    path("<slug:slug>/bestil/tilbud/gem/", views.order_quote_save, name="order-quote-save"),
    path("<slug:slug>/tilbud/<int:pk>/", views.quotation_detail, name="quotation-detail"),
    path("<slug:slug>/tilbud/<int:pk>/pdf/", views.quotation_pdf, name="quotation-pdf"),
    path("<slug:slug>/tilbud/<int:pk>/nyt/", views.quotation_requote, name="quotation-requote"),
    path("<slug:slug>/ordrer/<int:pk>/", views.order_detail, name="order-detail"),
    path("<slug:slug>/ordrer/<int:pk>/godkend/", views.order_approve, name="order-approve"),
    path("<slug:slug>/ordrer/<int:pk>/afvis/", views.order_reject, name="order-reject"),
    path("<slug:slug>/ordrer/<int:pk>/annuller/", views.order_cancel, name="order-cancel"),
    path("<slug:slug>/ordrer/<int:pk>/traek-tilbage/", views.order_withdraw, name="order-withdraw"),
    path("<slug:slug>/ordrer/<int:pk>/leveret/", views.order_delivered, name="order-delivered"),
    path("<slug:slug>/ordrer/<int:pk>/leveringsliste/", views.order_manifest, name="order-manifest"),
    path("<slug:slug>/fakturaer/<int:pk>/", views.invoice_detail, name="invoice-detail"),
    path("<slug:slug>/fakturaer/<int:pk>/xml/", views.invoice_xml, name="invoice-xml"),
    path("<slug:slug>/fakturaer/<int:pk>/pdf/", views.invoice_pdf, name="invoice-pdf"),
    path("<slug:slug>/fakturaer/<int:pk>/betalt/", views.invoice_paid, name="invoice-paid"),
    path("<slug:slug>/effekt/", views.impact, name="impact"),
]

"""Vendor orders, pick lists, assembly plans, substitutions and payouts in the dashboard.

Listed, with who may use them, in `fulfilment.apps.FulfilmentConfig`.
"""

from django.apps import apps

_config = apps.get_app_config("fulfilment")

app_name = _config.namespace
urlpatterns = _config.get_urls()

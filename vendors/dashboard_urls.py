"""The dashboard's vendor pages: listed, with who may use them, in `vendors.apps.VendorsConfig`."""

from django.apps import apps

_config = apps.get_app_config("vendors")

app_name = _config.namespace
urlpatterns = _config.get_urls()

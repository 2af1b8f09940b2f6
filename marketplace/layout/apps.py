from django.apps import AppConfig


class LayoutConfig(AppConfig):
    name = "marketplace.layout"
    label = "layout"
    verbose_name = "Storefront layout costs"

    def ready(self):
        from . import receivers  # noqa: F401

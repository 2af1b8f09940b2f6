import oscar.apps.catalogue.apps as apps
from oscar.core.loading import get_class


class CatalogueConfig(apps.CatalogueConfig):
    """Oscar's catalogue with ORM listings, PostgreSQL search and Redis page caching."""

    name = "marketplace.oscar_apps.catalogue"

    # pylint: disable=attribute-defined-outside-init
    def ready(self):
        # Oscar's CatalogueOnlyConfig.ready() loads its views through get_class,
        # which imports oscar.apps.catalogue.views and with it Haystack; the
        # views here replace them, so only the reviews part of ready() runs.
        from oscar.apps.catalogue import receivers as oscar_receivers  # noqa: F401

        from marketplace.oscar_apps.catalogue import receivers, views

        apps.CatalogueReviewsOnlyConfig.ready(self)
        self.detail_view = views.ProductDetailView
        self.catalogue_view = views.CatalogueView
        self.category_view = views.ProductCategoryView
        self.range_view = get_class("offer.views", "RangeDetailView")
        self.offer_add_view = views.OfferBasketAddView
        receivers.connect()

    def get_urls(self):
        from django.urls import path

        urls = super().get_urls()
        urls.append(path("offer/<int:pk>/add/", self.offer_add_view.as_view(), name="offer-add"))
        return urls

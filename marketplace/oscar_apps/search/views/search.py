from django.utils.translation import gettext_lazy as _

from marketplace.oscar_apps.catalogue.views import ProductListView


class SearchView(ProductListView):
    """Search results: the catalogue listing with the query required to be non-empty in the heading."""

    template_name = "oscar/search/results.html"
    summary = _("Search")

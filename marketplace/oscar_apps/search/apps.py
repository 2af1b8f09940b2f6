import oscar.apps.search.apps as apps


class SearchConfig(apps.SearchConfig):
    """Oscar's search URL served by a PostgreSQL full-text listing instead of Haystack.

    The view is imported directly: Oscar's get_class would also import
    oscar.apps.search.views, which needs Haystack.
    """

    name = "marketplace.oscar_apps.search"

    # pylint: disable=attribute-defined-outside-init
    def ready(self):
        from marketplace.oscar_apps.search.views import SearchView

        self.search_view = SearchView

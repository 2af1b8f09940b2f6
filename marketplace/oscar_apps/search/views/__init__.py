from marketplace.oscar_apps.search.views.search import SearchView

__all__ = ["SearchView"]

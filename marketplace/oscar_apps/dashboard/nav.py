"""The dashboard menu shows an entry to whom its page's app config allows.

This is the project's OSCAR_DASHBOARD_DEFAULT_ACCESS_FUNCTION.

Oscar's `default_access_fn` does the same, but finds the app config by the page's bare URL
name: the project's dashboard apps live in their own namespaces, where names repeat Oscar's
(`vendor_dashboard:offer-list` beside `dashboard:offer-list`). This one finds it by the
namespaced name. The project's apps (`vendors.apps.PolicyDashboardConfig`) answer with their
access policy; Oscar's own with Oscar's `check_permissions`, as before.
"""

from functools import lru_cache

from django.apps import apps
from django.core.exceptions import ImproperlyConfigured
from django.urls import resolve, reverse
from oscar.core.application import OscarDashboardConfig
from oscar.views.decorators import check_permissions


@lru_cache(maxsize=1)
def _dashboard_view_names_to_config() -> dict[str, OscarDashboardConfig]:
    """ "namespace:url-name" → the dashboard app config that lists the page."""
    configs: dict[str, OscarDashboardConfig] = {}
    for config in apps.get_app_configs():
        if not isinstance(config, OscarDashboardConfig):
            continue
        # Oscar's dashboard apps have no namespace of their own: the dashboard includes them in its.
        namespace = config.namespace or "dashboard"
        for pattern in config.get_urls():
            name = getattr(pattern, "name", None)  # an include() has none: its app is listed itself
            if name:
                configs[f"{namespace}:{name}"] = config
    return configs


def default_access_fn(user, url_name, url_args=None, url_kwargs=None) -> bool:
    if url_name is None:  # a heading: shown when one of its entries is
        return True
    match = resolve(reverse(url_name, args=url_args, kwargs=url_kwargs))
    try:
        config = _dashboard_view_names_to_config()[match.view_name]
    except KeyError:
        raise ImproperlyConfigured(
            f"The dashboard menu links {url_name!r}, a page of no dashboard app config"
        ) from None
    if hasattr(config, "menu_allows"):
        return config.menu_allows(user, match.url_name)
    return check_permissions(user, config.get_permissions(match.url_name))

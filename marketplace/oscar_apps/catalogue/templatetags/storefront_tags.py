"""Template helpers for the storefront listings."""

import logging

from django import template
from django.conf import settings
from oscar.core.thumbnails import get_thumbnailer

register = template.Library()
logger = logging.getLogger(__name__)

# (source file name, size) -> thumbnail URL, per process. A thumbnail's URL
# depends only on its source file and size, and a changed image is a new
# file name, so this never goes stale; it saves sorl's key-value lookup (a
# cache round trip) for every product card.
_THUMBNAIL_URLS: dict[tuple[str, str], str] = {}
_MAX_ENTRIES = 20_000


@register.simple_tag
def storefront_thumbnail_url(source, size: str) -> str:
    """Like Oscar's `oscar_thumbnail source size upscale=False`, returning the URL."""
    key = (getattr(source, "name", "") or str(source), size)
    url = _THUMBNAIL_URLS.get(key)
    if url is None:
        try:
            url = get_thumbnailer().generate_thumbnail(source, size=size, upscale=False).url
        except Exception:  # noqa: BLE001 - like Oscar's tag: a broken image must not break the listing
            if getattr(settings, "OSCAR_THUMBNAIL_DEBUG", settings.DEBUG):
                raise
            logger.exception("thumbnail for %s failed", key[0])
            return ""
        if len(_THUMBNAIL_URLS) >= _MAX_ENTRIES:
            _THUMBNAIL_URLS.clear()
        _THUMBNAIL_URLS[key] = url
    return url


@register.simple_tag
def storefront_category_menu() -> list:
    """The top-level categories for the navigation menu, from the storefront cache (per language).

    Replaces Oscar's `{% category_tree depth=1 %}` in the layout, which costs two
    queries on every page a signed-in buyer opens.
    """
    from marketplace.oscar_apps.catalogue.selectors import category_choices_for_menu

    return [choice for choice in category_choices_for_menu() if choice.depth == 1]

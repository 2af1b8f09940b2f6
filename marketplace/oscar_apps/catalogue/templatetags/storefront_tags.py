"""Template helpers for the storefront listings."""

import logging

from django import template
from django.conf import settings
from oscar.core.thumbnails import get_thumbnailer

register = template.Library()
logger = logging.getLogger(__name__)

# (source file name, size, options) -> thumbnail URL, per process. A thumbnail's URL
# depends only on its source file, size and options, and a changed image is a new
# file name, so this never goes stale; it saves sorl's key-value lookup (a cache
# round trip) for every picture on the page: no thumbnail work in a request once
# the thumbnail exists.
_THUMBNAIL_URLS: dict[tuple, str] = {}
_MAX_ENTRIES = 20_000


def thumbnail_urls_forget() -> None:
    """Forget the remembered URLs (a test whose media folder is new, like sorl's `kvstore.clear()`)."""
    _THUMBNAIL_URLS.clear()


@register.simple_tag
def storefront_thumbnail_url(source, size: str, **options) -> str:
    """Like Oscar's `oscar_thumbnail source size ...` (upscale=False unless given), returning the URL.

    {% storefront_thumbnail_url image.original "176x176" crop="center" as thumb_url %}
    """
    options.setdefault("upscale", False)
    key = (getattr(source, "name", "") or str(source), size, tuple(sorted(options.items())))
    url = _THUMBNAIL_URLS.get(key)
    if url is None:
        try:
            url = get_thumbnailer().generate_thumbnail(source, size=size, **options).url
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


class StorefrontFragmentNode(template.Node):
    def __init__(self, name: str, parts: list, nodelist):
        self.name, self.parts, self.nodelist = name, parts, nodelist

    def render(self, context) -> str:
        from marketplace import storefront_cache

        if storefront_cache.cache_seconds() <= 0:
            return self.nodelist.render(context)
        import hashlib

        parts = ":".join(str(part.resolve(context)) for part in self.parts)
        key = f"{self.name}:{hashlib.sha1(parts.encode()).hexdigest()[:20]}"
        token = str(context.get("csrf_token", ""))
        version, html = storefront_cache.fragment_get(key)
        if html is None:
            with context.push(csrf_token=storefront_cache.CSRF_PLACEHOLDER):
                html = self.nodelist.render(context)
            storefront_cache.fragment_set(key, version, html)
        return html.replace(storefront_cache.CSRF_PLACEHOLDER, token)


@register.tag
def storefront_fragment(parser, token):
    """Cache the enclosed HTML under the storefront version (bumped by catalogue changes).

        {% storefront_fragment "product-card" product.pk %}...{% endstorefront_fragment %}

    The key is the name, the current language and the given values; the enclosed
    HTML must depend on nothing else (no user, no messages). A `{% csrf_token %}`
    inside is stored as a placeholder and filled with the visitor's own token.
    """
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("storefront_fragment needs a name")
    name = bits[1].strip("\"'")
    parts = [parser.compile_filter(bit) for bit in bits[2:]]
    nodelist = parser.parse(("endstorefront_fragment",))
    parser.delete_first_token()
    return StorefrontFragmentNode(name, parts, nodelist)


@register.filter
def storefront_pks(objects) -> str:
    """ "1,5,9": the primary keys of a page of objects, for a fragment key.

    A page from the listing cache (selectors.ProductsByPk) knows them without loading its products.
    """
    pks = getattr(objects, "pks", None)
    if pks is None:
        pks = [obj.pk for obj in objects]
    return ",".join(str(pk) for pk in pks)


@register.simple_tag
def storefront_wishlists(user, product) -> dict:
    """The user's wish lists and those holding `product`, cached per user (Oscar's tags take two queries)."""
    from marketplace.layout.wishlists import user_wishlists

    return user_wishlists(user=user, product=product)

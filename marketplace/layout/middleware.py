"""Oscar's basket middleware with the basket's lines loaded in a fixed number of queries.

It also reads, for a signed-in visitor's GET, every small cached value the page's layout
will ask for in one Redis MGET (`request_values_prefetch`) instead of about eight round trips.
"""

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.utils.translation import get_language
from oscar.apps.basket.middleware import BasketMiddleware as OscarBasketMiddleware
from oscar.core.loading import get_model

from marketplace import storefront_cache

from . import offers
from .auth_backends import PERMISSIONS
from .cart_summary import OFFERS_VERSION_KEY, OPEN_BASKET
from .context_processors import NOTIFICATIONS
from .user_cache import user_keys
from .wishlists import WISHLISTS

LineAttribute = get_model("basket", "LineAttribute")


class BasketLineQuerySet(QuerySet):
    """Basket lines whose `count()` loads the rows: Oscar counts them, then iterates them."""

    def count(self) -> int:
        return len(self)


def basket_lines_prefetch(basket) -> None:
    """Load the lines, on first use, once with what pricing, availability and the mini-basket read.

    Oscar's `Basket.all_lines()` caches its queryset in `_lines`; filling it
    here means `num_lines`, `is_empty`, totals and the mini-basket use these
    rows instead of a query per line for its product class, parent and stock
    record (and two COUNT queries). Nothing is read until a page asks: a page
    whose mini-basket comes from the cart summary cache (cart_summary.py) and
    that shows no lines itself does not load them at all.
    """
    if basket.id is None or basket._lines is not None:
        return
    # Through the related manager, so each line's `basket` is this very basket (with its strategy).
    lines = basket.lines.all()
    lines.__class__ = BasketLineQuerySet
    basket._lines = (
        lines.select_related(
            "product__product_class",
            "product__parent__product_class",
            "stockrecord__partner",
        )
        .prefetch_related(
            Prefetch("attributes", queryset=LineAttribute.objects.select_related("option")),
            "product__images",
            "product__parent__images",
        )
        .order_by("pk")
    )


def request_prefetch_keys(request) -> list[str]:
    """What a signed-in GET will read from the cache anyway; [] for anyone else.

    Anonymous pages are served from the page cache (one read of their own) and
    writes are few: only a signed-in visitor's page reads all of these.
    """
    if request.method not in ("GET", "HEAD") or settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return []
    if storefront_cache.cache_seconds() <= 0 or not request.user.is_authenticated:
        return []
    return [
        *storefront_cache.request_keys(language=get_language()),
        *user_keys(user_id=request.user.pk, kinds=(PERMISSIONS, NOTIFICATIONS, OPEN_BASKET, WISHLISTS)),
        OFFERS_VERSION_KEY,
        offers.KEY,
    ]


class BasketMiddleware(OscarBasketMiddleware):
    def __call__(self, request):
        keys = request_prefetch_keys(request)
        if not keys:
            return super().__call__(request)
        token = storefront_cache.request_values_prefetch(keys)
        try:
            return super().__call__(request)
        finally:
            storefront_cache.request_values_end(token)

    def get_basket(self, request):
        basket = super().get_basket(request)
        basket_lines_prefetch(basket)
        return basket

    def apply_offers_to_basket(self, request, basket):
        # The applicator reads the site's offers and the basket's vouchers on
        # every request; with none in the shop there is nothing to apply.
        if offers.offers_exist():
            super().apply_offers_to_basket(request, basket)

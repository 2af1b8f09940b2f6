"""The layout's cart parts (mini-basket total and lines, phone basket button), cached per basket version.

Every page a buyer with a cart opens shows the mini-basket, and building it loads
the basket, its lines with products, stock records, options and images, and prices
them: about a fifth of a signed-in page. Its rendered HTML is cached per basket and
(both parts, rendered together) served while three versions read in the same round
trip are unchanged:

- the basket's own version, bumped (receivers.py) on any save or delete of the
  basket (status, owner, merge), its lines and line options, its vouchers and its
  gift-basket groups (name, number of baskets);
- the storefront version (marketplace/storefront_cache.py), bumped by any change to
  a product, price, stock record, image, vendor or category: anything that prices
  or describes a line;
- the offers version, bumped when an offer, voucher, range, condition or benefit
  changes (they change totals of every basket).

A signed-in visitor's open basket id is cached per user (user_cache) and dropped
when one of their baskets is saved or deleted; an anonymous visitor's comes from
the signed basket cookie. A signed-in visitor who still carries a basket cookie has
just signed in: they get Oscar's path, which merges the cookie basket into theirs.
Entries live TIMEOUT_SECONDS, which bounds staleness for writes that send no signal
(an offer starting or ending by date, a `QuerySet.update()`). A cache failure is a
miss: the mini-basket is then rendered from the database.
"""

import logging
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.core.signing import BadSignature, Signer
from django.db import transaction
from django.utils.translation import get_language
from oscar.core.loading import get_model

from marketplace.storefront_cache import VERSION_KEY as STOREFRONT_VERSION_KEY
from marketplace.storefront_cache import cache_seconds as storefront_cache_seconds
from marketplace.storefront_cache import prefetched, prefetched_is_missing, prefetched_update

from .user_cache import user_cache_clear, user_cached

logger = logging.getLogger(__name__)

OPEN_BASKET = "open_basket"
OFFERS_VERSION_KEY = "layout:cart:offers-version"
TIMEOUT_SECONDS = 300
VERSION_TIMEOUT_SECONDS = 86400


def _version_key(basket_id: int) -> str:
    return f"layout:cart:{basket_id}:version"


def _summary_key(basket_id: int) -> str:
    return f"layout:cart:{basket_id}:summary:{get_language()}"


def _new_version() -> str:
    return uuid.uuid4().hex[:12]


def _set_versions(keys: list[str]) -> None:
    versions = {key: _new_version() for key in keys}
    prefetched_update(versions)
    try:
        cache.set_many(versions, timeout=VERSION_TIMEOUT_SECONDS)
    except Exception:  # noqa: BLE001 - a cache outage must not fail the basket change
        logger.warning("layout cache unavailable; cart summaries expire in %s s", TIMEOUT_SECONDS)


def cart_version_bump(*, basket_ids) -> None:
    """Make the cached mini-basket of these baskets stale, now and again after commit.

    The second bump covers a request that rendered the old rows while the change
    was still uncommitted and stored them under the version it read before.
    """
    keys = [_version_key(basket_id) for basket_id in set(basket_ids) if basket_id]
    if not keys:
        return
    _set_versions(keys)
    transaction.on_commit(lambda: _set_versions(keys))


def cart_offers_bump() -> None:
    """Every basket's cached mini-basket is stale (an offer or voucher changed)."""
    _set_versions([OFFERS_VERSION_KEY])
    transaction.on_commit(lambda: _set_versions([OFFERS_VERSION_KEY]))


def open_basket_forget(*, user_ids) -> None:
    user_cache_clear(kind=OPEN_BASKET, user_ids=user_ids)


def _open_basket_id_query(user_id: int) -> int:
    Basket = get_model("basket", "Basket")
    ids = list(Basket.open.filter(owner_id=user_id).values_list("pk", flat=True)[:2])
    # 0: none yet, or several (Oscar's middleware merges them): take Oscar's path.
    return ids[0] if len(ids) == 1 else 0


def _request_basket_id(request) -> int:
    """The id of the basket this request will show, without touching the database if cached; 0 if unknown."""
    user = getattr(request, "user", None)
    cookie = request.COOKIES.get(settings.OSCAR_BASKET_COOKIE_OPEN)
    if user is not None and user.is_authenticated:
        if cookie:
            return 0  # a cookie basket to merge into the user's
        return user_cached(kind=OPEN_BASKET, user_id=user.pk, loader=lambda: _open_basket_id_query(user.pk))
    if not cookie:
        return 0  # an empty, unsaved basket: nothing to load
    try:
        return int(Signer().unsign(cookie))
    except (BadSignature, ValueError):
        return 0  # Oscar's middleware deletes the cookie


def cart_summary_parts(request, render: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """The layout's rendered cart parts, cached while the basket, catalogue and offers are unchanged."""
    if storefront_cache_seconds() <= 0 or not hasattr(request, "basket"):
        return render()
    try:
        basket_id = _request_basket_id(request)
        if not basket_id:
            return render()
        version_key, summary_key = _version_key(basket_id), _summary_key(basket_id)
        wanted = [version_key, STOREFRONT_VERSION_KEY, OFFERS_VERSION_KEY, summary_key]
        # The storefront and offers versions usually come from the request's one MGET.
        found = {key: prefetched(key) for key in wanted}
        missing = [key for key, value in found.items() if prefetched_is_missing(value)]
        found.update(cache.get_many(missing) if missing else {})
        found = {key: value for key, value in found.items() if not prefetched_is_missing(value)}
    except Exception:  # noqa: BLE001 - a cache outage is a miss
        logger.warning("layout cache unavailable; rendering the mini-basket", exc_info=True)
        return render()
    keys = (version_key, STOREFRONT_VERSION_KEY, OFFERS_VERSION_KEY)
    versions = tuple(found.get(key) for key in keys)
    stored = found.get(summary_key)
    if stored is not None and all(versions) and stored[0] == versions:
        return stored[1]
    if not all(versions):
        # Create missing versions before rendering, never overwriting a concurrent bump:
        # a change during the render then leaves this entry under an old version.
        try:
            for key, value in zip(keys, versions, strict=True):
                if not value:
                    timeout = None if key == STOREFRONT_VERSION_KEY else VERSION_TIMEOUT_SECONDS
                    cache.add(key, _new_version(), timeout=timeout)
            now = cache.get_many(list(keys))
            prefetched_update(now)
            versions = tuple(now.get(key) for key in keys)
        except Exception:  # noqa: BLE001
            return render()
    parts = render()
    if request.basket.id != basket_id:
        # The cached pointer was wrong (e.g. a basket written without signals): look it up again.
        if request.user.is_authenticated:
            open_basket_forget(user_ids=[request.user.pk])
        return parts
    if all(versions):
        try:
            cache.set(summary_key, (versions, parts), timeout=TIMEOUT_SECONDS)
        except Exception:  # noqa: BLE001
            logger.warning("layout cache unavailable; mini-basket not stored", exc_info=True)
    return parts

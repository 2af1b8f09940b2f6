"""Small per-user values cached until a signal says they changed."""

import logging
from collections.abc import Callable, Iterable
from typing import Any

from django.core.cache import cache
from django.db import transaction

from marketplace.storefront_cache import prefetched, prefetched_is_missing, prefetched_update

logger = logging.getLogger(__name__)

# Bounds staleness for a change that sends no signal (e.g. a raw SQL update).
TIMEOUT_SECONDS = 300


def _key(kind: str, user_id: int) -> str:
    return f"layout:user:{user_id}:{kind}"


def user_keys(*, user_id: int, kinds: Iterable[str]) -> list[str]:
    """The cache keys of these per-user values (for the request's one MGET, see layout.middleware)."""
    return [_key(kind, user_id) for kind in kinds]


def user_cached(*, kind: str, user_id: int, loader: Callable[[], Any]) -> Any:
    """The cached `kind` value of a user, loaded (and stored) on a miss."""
    key = _key(kind, user_id)
    try:
        value = prefetched(key)
        if prefetched_is_missing(value):
            value = cache.get(key)
    except Exception:  # noqa: BLE001 - a cache outage is a miss, never an error page
        logger.warning("layout cache unavailable; reading %s from the database", kind, exc_info=True)
        return loader()
    if value is None:
        value = loader()
        prefetched_update({key: value})
        try:
            cache.set(key, value, timeout=TIMEOUT_SECONDS)
        except Exception:  # noqa: BLE001
            logger.warning("layout cache unavailable; %s not stored", kind, exc_info=True)
    return value


def user_cache_clear(*, kind: str, user_ids: Iterable[int]) -> None:
    """Drop cached values now and again after the transaction commits.

    The second delete covers a request that read the old rows and stored them
    while the change was still uncommitted.
    """
    keys = [_key(kind, user_id) for user_id in set(user_ids) if user_id is not None]
    if not keys:
        return

    def delete() -> None:
        prefetched_update(dict.fromkeys(keys))
        try:
            cache.delete_many(keys)
        except Exception:  # noqa: BLE001
            logger.warning(
                "layout cache unavailable; %s not cleared (expires in %s s)", kind, TIMEOUT_SECONDS
            )

    delete()
    transaction.on_commit(delete)

"""Product-view counting off the request path.

Stock Oscar writes an analytics row on every product page view. Here a view
is counted in the web process's memory and pushed to a Redis hash at most
every few seconds (one pipelined round trip for many views, no database); a
periodic Celery task adds the counts to Oscar's `analytics.ProductRecord` in
one transaction. Views still in a process's memory when it dies are lost:
this is analytics, not money.
Without Redis (`make run` uses a file cache) the counts go through Django's
cache API instead.
"""

import logging
import threading
import time
from collections import Counter

from django.core.cache import DEFAULT_CACHE_ALIAS, cache, caches
from django.core.cache.backends.redis import RedisCache
from django.db import transaction
from django.db.models import F
from oscar.core.loading import get_model
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)

HASH_KEY = "storefront:product-views"
COUNTER_PREFIX = "storefront:product-views:"
INDEX_KEY = "storefront:product-views:index"
PUSH_EVERY_SECONDS = 5
PUSH_EVERY_VIEWS = 200

_pending: Counter = Counter()
_pending_lock = threading.Lock()
_last_push = time.monotonic()


def _redis():
    """The raw Redis client behind Django's cache, or None for other cache backends."""
    backend = caches[DEFAULT_CACHE_ALIAS]  # `cache` is a proxy: isinstance() needs the backend itself
    if isinstance(backend, RedisCache):
        return backend._cache.get_client(write=True), backend.make_and_validate_key(HASH_KEY)
    return None, None


def product_view_record(*, product_id: int) -> None:
    with _pending_lock:
        _pending[product_id] += 1
        due = (
            sum(_pending.values()) >= PUSH_EVERY_VIEWS or time.monotonic() - _last_push >= PUSH_EVERY_SECONDS
        )
    if due:
        product_views_push()


def product_views_push() -> None:
    """Move this process's counted views to the shared store (Redis hash, or the cache API)."""
    global _last_push
    with _pending_lock:
        counts = dict(_pending)
        _pending.clear()
        _last_push = time.monotonic()
    if not counts:
        return
    try:
        _push(counts)
    except (RedisError, OSError, ValueError) as exc:
        # The cache is down: keep what was not pushed for the next push; the product page renders regardless.
        logger.warning("Product views kept in memory: cache unavailable (%s)", exc.__class__.__name__)
        with _pending_lock:
            _pending.update(counts)


def _push(counts: dict[int, int]) -> None:
    """Push and remove from `counts` what reached the store; raises on a cache outage."""
    client, key = _redis()
    if client is not None:
        pipe = client.pipeline(transaction=False)
        for product_id, count in counts.items():
            pipe.hincrby(key, str(product_id), count)
        pipe.execute()
        counts.clear()
        return
    for product_id, count in list(counts.items()):
        counter = f"{COUNTER_PREFIX}{product_id}"
        cache.add(counter, 0, timeout=None)
        cache.incr(counter, count)
        del counts[product_id]
        ids = cache.get(INDEX_KEY) or set()
        if product_id not in ids:
            cache.set(INDEX_KEY, ids | {product_id}, timeout=None)


def _counts_take() -> dict[int, int]:
    """Read the counts and subtract what was read, so views counted meanwhile are kept."""
    client, key = _redis()
    if client is not None:
        counts = {int(k): int(v) for k, v in client.hgetall(key).items() if int(v)}
        if counts:
            pipe = client.pipeline()
            for product_id, count in counts.items():
                pipe.hincrby(key, str(product_id), -count)
            pipe.execute()
        return counts
    counts = {}
    for product_id in cache.get(INDEX_KEY) or set():
        count = cache.get(f"{COUNTER_PREFIX}{product_id}") or 0
        if count:
            cache.decr(f"{COUNTER_PREFIX}{product_id}", count)
            counts[product_id] = count
    return counts


def product_views_flush() -> int:
    """Move the counted views into ProductRecord; returns how many views were written."""
    product_views_push()
    Product = get_model("catalogue", "Product")
    ProductRecord = get_model("analytics", "ProductRecord")
    counts = _counts_take()
    existing = set(Product.objects.filter(pk__in=counts).values_list("pk", flat=True))
    total = 0
    with transaction.atomic():
        for product_id, count in sorted(counts.items()):
            if product_id not in existing:
                continue
            total += count
            updated = ProductRecord.objects.filter(product_id=product_id).update(
                num_views=F("num_views") + count
            )
            if not updated:
                ProductRecord.objects.create(product_id=product_id, num_views=count)
    return total

"""Product-view counting off the request path.

Stock Oscar writes an analytics row on every product page view. Here a view
is one Redis increment; a periodic Celery task adds the counts to Oscar's
`analytics.ProductRecord` in one transaction.
"""

from django.core.cache import cache
from django.db import transaction
from django.db.models import F
from oscar.core.loading import get_model

COUNTER_PREFIX = "storefront:product-views:"
INDEX_KEY = "storefront:product-views:index"


def product_view_record(*, product_id: int) -> None:
    key = f"{COUNTER_PREFIX}{product_id}"
    try:
        cache.incr(key)
    except ValueError:
        cache.add(key, 0, timeout=None)
        cache.incr(key)
    ids = cache.get(INDEX_KEY) or set()
    if product_id not in ids:
        ids.add(product_id)
        cache.set(INDEX_KEY, ids, timeout=None)


def product_views_flush() -> int:
    """Move the counted views into ProductRecord; returns how many views were written."""
    ProductRecord = get_model("analytics", "ProductRecord")
    Product = get_model("catalogue", "Product")
    ids = cache.get(INDEX_KEY) or set()
    existing = set(Product.objects.filter(pk__in=ids).values_list("pk", flat=True))
    total = 0
    with transaction.atomic():
        for product_id in sorted(ids):
            if product_id not in existing:
                cache.delete(f"{COUNTER_PREFIX}{product_id}")
                continue
            key = f"{COUNTER_PREFIX}{product_id}"
            count = cache.get(key) or 0
            if not count:
                continue
            cache.decr(key, count)
            total += count
            updated = ProductRecord.objects.filter(product_id=product_id).update(
                num_views=F("num_views") + count
            )
            if not updated:
                ProductRecord.objects.create(product_id=product_id, num_views=count)
    return total

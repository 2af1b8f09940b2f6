"""Whether the shop has any Oscar offer or voucher at all (then baskets need the applicator)."""

import logging

from django.core.cache import cache
from django.db import transaction
from oscar.core.loading import get_model

from marketplace.storefront_cache import prefetched, prefetched_is_missing, prefetched_update

logger = logging.getLogger(__name__)

KEY = "layout:offers-exist"
# A new offer reaches the baskets at once (receivers.py); this bounds the case of
# rows written without signals.
TIMEOUT_SECONDS = 60


def _offers_exist_query() -> bool:
    ConditionalOffer = get_model("offer", "ConditionalOffer")
    Voucher = get_model("voucher", "Voucher")
    return ConditionalOffer.objects.exists() or Voucher.objects.exists()


def offers_exist() -> bool:
    try:
        value = prefetched(KEY)
        if prefetched_is_missing(value):
            value = cache.get(KEY)
    except Exception:  # noqa: BLE001 - a cache outage is a miss
        logger.warning("layout cache unavailable; checking offers in the database")
        return _offers_exist_query()
    if value is None:
        value = _offers_exist_query()
        prefetched_update({KEY: value})
        try:
            cache.set(KEY, value, timeout=TIMEOUT_SECONDS)
        except Exception:  # noqa: BLE001
            pass
    return value


def offers_exist_forget() -> None:
    def delete() -> None:
        prefetched_update({KEY: None})
        try:
            cache.delete(KEY)
        except Exception:  # noqa: BLE001
            logger.warning("layout cache unavailable; offers flag expires in %s s", TIMEOUT_SECONDS)

    delete()
    transaction.on_commit(delete)

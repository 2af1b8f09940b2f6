"""Platform-level tasks: a ping to prove a worker is alive, and a beat heartbeat."""

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone


@shared_task
def ping(token: str) -> str:
    """Echo a token so the health page can prove a worker ran it."""
    return f"pong:{token}"


@shared_task
def heartbeat() -> str:
    """Run by beat every minute; the health page shows when it last ran.

    Also applies a storefront version bump this worker process could not make while the cache was down.
    """
    from marketplace.storefront_cache import storefront_version_bump_apply_pending

    storefront_version_bump_apply_pending()
    now = timezone.now().isoformat()
    cache.set("celery-beat-heartbeat", now, timeout=None)
    return now

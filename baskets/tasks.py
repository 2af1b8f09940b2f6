from celery import shared_task

from .services import design_drafts_purge


@shared_task(name="giftbaskets.drafts_purge", acks_late=True)
def gift_basket_drafts_purge() -> int:
    """Nightly: forget composer drafts nobody saved or touched for 30 days."""
    return design_drafts_purge(older_than_days=30)

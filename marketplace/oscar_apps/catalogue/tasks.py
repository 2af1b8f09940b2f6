from celery import shared_task

from marketplace.oscar_apps.catalogue.product_views import product_views_flush


@shared_task(name="catalogue.product_views_flush")
def product_views_flush_task() -> int:
    """Periodic (CELERY_BEAT_SCHEDULE): write the counted product views to the database."""
    return product_views_flush()

import stripe
from celery import shared_task

from . import services


@shared_task(
    name="payments.checkout_payments_stale_settle",
    acks_late=True,
    autoretry_for=(stripe.APIConnectionError,),
    retry_backoff=True,
    max_retries=5,
)
def checkout_payments_stale_settle() -> dict[str, int]:
    return services.checkout_payments_stale_settle()


@shared_task(name="payments.checkout_payments_unconfirmed_settle", acks_late=True)
def checkout_payments_unconfirmed_settle() -> dict[str, int]:
    return services.checkout_payments_unconfirmed_settle()

"""Celery tasks: thin, take primary keys, call services. All are safe to run twice."""

import logging
from datetime import timedelta

from celery import shared_task
from django.conf import settings
from django.db import DatabaseError, OperationalError
from django.db.models import Q
from django.utils import timezone
from oscar.core.loading import get_model

from . import services
from .emails import PICK_LISTS_EVENT, order_pick_lists_send
from .models import VendorOrder

logger = logging.getLogger(__name__)
Order = get_model("order", "Order")

TRANSIENT = (OperationalError, DatabaseError, ConnectionError, TimeoutError)


@shared_task(
    name="fulfilment.order_split",
    acks_late=True,
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    retry_backoff_max=300,
    retry_jitter=True,
    max_retries=6,
)
def order_split_task(order_id: int) -> list[int]:
    """Split one order into its vendor orders (a no-op when it is split already)."""
    return [vo.pk for vo in services.order_split(order_id=order_id)]


@shared_task(name="fulfilment.orders_split_sweep", acks_late=True)
def orders_split_sweep_task() -> dict[str, list[str]]:
    """Beat: split orders placed a while ago but still not split (e.g. the broker was down)."""
    done, failed = services.orders_split_pending(
        older_than=timedelta(seconds=settings.FULFILMENT_SPLIT_SWEEP_AFTER_SECONDS)
    )
    if done or failed:
        logger.info("Split sweep: split %s, failed %s", done, failed)
    return {"split": done, "failed": failed}


@shared_task(
    name="fulfilment.vendor_order_pick_lists_send",
    acks_late=True,
    autoretry_for=(*TRANSIENT, OSError),
    retry_backoff=True,
    max_retries=5,
)
def vendor_order_pick_lists_send_task(order_id: int) -> int:
    """E-mail each vendor its pick list and the hub the assembly plan (once per order)."""
    return order_pick_lists_send(order_id=order_id)


def _stripe_transient():
    import stripe

    return (stripe.APIConnectionError, stripe.RateLimitError, *TRANSIENT)


@shared_task(
    name="fulfilment.order_payouts_release",
    acks_late=True,
    autoretry_for=_stripe_transient(),
    retry_backoff=True,
    max_retries=8,
)
def order_payouts_release_task(order_id: int) -> list[int]:
    """After the split: pay the vendors if the order is paid already."""
    order = Order.objects.get(pk=order_id)
    return [vo.pk for vo in services.order_payouts_release_if_paid(order=order)]


@shared_task(name="fulfilment.payouts_held_release", acks_late=True)
def payouts_held_release_task() -> list[int]:
    """Beat: re-check held vendors' Stripe accounts and send what can go now."""
    return [vo.pk for vo in services.payouts_held_release()]


@shared_task(
    name="fulfilment.order_refund_reverse",
    acks_late=True,
    autoretry_for=_stripe_transient(),
    retry_backoff=True,
    max_retries=8,
)
def order_refund_reverse_task(order_id: int) -> list[int]:
    """A refund was recorded: take the refunded share back from the vendors' transfers."""
    started = timezone.now()
    order = Order.objects.get(pk=order_id)
    reversed_ = [vo.pk for vo in services.order_refund_reverse_payouts(order=order)]
    services.order_refund_reverse_done(order=order, since=started)
    return reversed_


# --- The follow-ups after a split, swept like the split itself ------------------------------
# Each follow-up's state is a row already written when it is done: the pick lists by the
# order's communication event (emails.order_pick_lists_send), a payout by its vendor order's
# payout_state. A task lost with a killed worker leaves the state as it was, and the sweep
# below does the work once the follow-up is overdue. Both calls are no-ops when done.
PICK_LISTS_SWEEP_WITHIN = timedelta(days=7)  # never e-mail pick lists for long-finished orders


def orders_pick_lists_pending(*, older_than: timedelta):
    """Orders split more than `older_than` ago (and within a week) whose pick lists have not gone out."""
    now = timezone.now()
    return (
        Order.objects.filter(
            split_state__split_at__lte=now - older_than,
            split_state__split_at__gte=now - PICK_LISTS_SWEEP_WITHIN,
        )
        .exclude(communication_events__event_type__code=PICK_LISTS_EVENT)
        .order_by("pk")
    )


def orders_payouts_pending(*, older_than: timedelta):
    """Paid orders (card charge or payouts requested), split and overdue, with a payout still pending."""
    cutoff = timezone.now() - older_than
    return (
        Order.objects.filter(
            split_state__split_at__lte=cutoff,
            vendor_orders__payout_state=VendorOrder.PayoutState.PENDING,
        )
        .filter(
            Q(split_state__payouts_requested_at__lte=cutoff) | Q(payment_events__reference__startswith="ch_")
        )
        .distinct()
        .order_by("pk")
    )


@shared_task(name="fulfilment.follow_ups_sweep", acks_late=True)
def follow_ups_sweep_task() -> dict[str, list[str]]:
    """Beat: pick lists, payouts and refund reversals whose task was lost (a killed worker, a dead broker)."""
    older_than = timedelta(seconds=settings.FULFILMENT_SPLIT_SWEEP_AFTER_SECONDS)
    result: dict[str, list[str]] = {"pick_lists": [], "payouts": [], "refund_reversals": [], "failed": []}
    for order in orders_pick_lists_pending(older_than=older_than):
        try:
            order_pick_lists_send(order_id=order.pk)
            result["pick_lists"].append(order.number)
        except Exception:  # noqa: BLE001 - one order's failure must not stop the others
            logger.exception("Follow-up sweep: pick lists of order %s failed", order.number)
            result["failed"].append(order.number)
    for order in orders_payouts_pending(older_than=older_than):
        try:
            services.order_payouts_release_if_paid(order=order)
            result["payouts"].append(order.number)
        except Exception:  # noqa: BLE001
            logger.exception("Follow-up sweep: payouts of order %s failed", order.number)
            result["failed"].append(order.number)
    for order in services.orders_refund_reversal_pending(older_than=older_than):
        started = timezone.now()
        try:
            services.order_refund_reverse_payouts(order=order)
            services.order_refund_reverse_done(order=order, since=started)
            result["refund_reversals"].append(order.number)
        except Exception:  # noqa: BLE001
            logger.exception("Follow-up sweep: refund reversal of order %s failed", order.number)
            result["failed"].append(order.number)
    if any(result.values()):
        logger.info("Follow-up sweep: %s", result)
    return result

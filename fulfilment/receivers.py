"""Signal hooks: every placed order is split; Stripe events release and reverse payouts.

Every way of placing an order ends in Oscar's `order_placed` signal, so the
split is hooked there. Stripe webhooks are verified and de-duplicated by the
payments app, which re-sends each one as `payments.signals.stripe_event_received`.
"""

from django.db.models.signals import post_save
from django.dispatch import receiver
from oscar.apps.order.signals import order_placed
from oscar.core.loading import get_model

from payments.signals import stripe_event_received

from . import selectors, services

PaymentEvent = get_model("order", "PaymentEvent")
REFUNDED_EVENT = "Refunded"


@receiver(order_placed, dispatch_uid="fulfilment-order-split")
def split_placed_order(sender, order, **kwargs):
    services.order_split_register(order=order)


@receiver(post_save, sender=PaymentEvent, dispatch_uid="fulfilment-refund-reverses-payouts")
def refund_recorded(sender, instance, created, **kwargs):
    """Checkout records every card refund (staff's or Stripe's) as a "Refunded" payment event."""
    if created and instance.event_type.name == REFUNDED_EVENT:
        services.order_refund_reverse_enqueue(order_id=instance.order_id)


@receiver(stripe_event_received, dispatch_uid="fulfilment-stripe-event")
def stripe_event(sender, event, **kwargs):
    obj = event["data"]["object"]
    if event["type"] == "account.updated":
        services.vendor_account_updated(account=obj)
    elif event["type"] == "transfer.reversed":
        services.vendor_payout_reversed(transfer=obj)
    elif event["type"] == "charge.refunded":
        order = selectors.order_for_charge(charge_id=obj["id"])
        if order is not None:
            services.order_refund_reverse_enqueue(order_id=order.pk)

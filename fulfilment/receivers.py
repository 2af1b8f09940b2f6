"""Signal hooks: every placed order is split; Stripe events release and reverse payouts.

Every way of placing an order ends in Oscar's `order_placed` signal, so the
split is hooked there. Stripe webhooks are verified and de-duplicated by the
payments app, which re-sends each one as `stripe_event_received`.
"""

from django.apps import apps
from django.dispatch import receiver
from oscar.apps.order.signals import order_placed

from . import selectors, services


@receiver(order_placed, dispatch_uid="fulfilment-order-split")
def split_placed_order(sender, order, **kwargs):
    services.order_split_register(order=order)


def stripe_event(sender, event, **kwargs):
    obj = event["data"]["object"]
    if event["type"] == "account.updated":
        services.vendor_account_updated(account=obj)
    elif event["type"] == "charge.refunded":
        order = selectors.order_for_charge(charge_id=obj["id"])
        if order is not None:
            services.order_refund_reverse_payouts(order=order)


if apps.is_installed("payments"):
    from payments.services import stripe_event_received

    stripe_event_received.connect(stripe_event, dispatch_uid="fulfilment-stripe-event")

"""Card payments: start a Stripe Checkout Session, place the paid order exactly once, refunds, webhooks.

One module per topic; import from here (`from payments.services import X`), the
modules are the package's inside:

- `stock`: allocate the basket's stock in one locked step at "Pay", give it back on release.
- `prices`: the price freeze (what the buyer agreed to at "Pay", placed at that price).
- `checkout`: start a payment; cancel, decline, expiry; the sweeps that settle open payments.
- `orders`: place the paid order exactly once (Oscar's OrderCreator, so `order_placed` fires),
  or refund a paid session that cannot become that order; the confirmation e-mail.
- `refunds`: staff refunds at Stripe, recorded as Oscar payment events.
- `webhooks`: verify Stripe's deliveries and handle each event once.
- `errors`: what they raise.

A test that replaces a name replaces it in the module that looks it up
(e.g. `payments.services.orders.stripe_api`), not here.
"""

from .checkout import (
    CHECKOUT_SESSION_MINUTES,
    PAYMENT_ERROR_TEXTS,
    CheckoutStart,
    checkout_payment_cancel,
    checkout_payment_get,
    checkout_payment_release,
    checkout_payment_start,
    checkout_payment_unconfirmed,
    checkout_payments_stale_settle,
    checkout_payments_unconfirmed_settle,
    payment_error_text,
)
from .errors import OrderNotPlaceable, PaymentNotCompleted, RefundError, StockUnavailable, WebhookRejected
from .orders import (
    EVENT_PAID,
    SOURCE_TYPE_NAME,
    UNPLACEABLE_TEXTS,
    checkout_payment_complete,
    order_confirmation_send,
    payment_refunded_notify,
    payment_refunded_text,
)
from .prices import FrozenPrices
from .refunds import EVENT_REFUNDED, order_refundable_amount, payment_refund_create
from .stock import AllocatedStockOrderCreator, stock_allocate, stock_release
from .webhooks import EVENT_HANDLERS, stripe_event_construct, stripe_event_process

__all__ = [
    "CHECKOUT_SESSION_MINUTES",
    "EVENT_HANDLERS",
    "EVENT_PAID",
    "EVENT_REFUNDED",
    "PAYMENT_ERROR_TEXTS",
    "SOURCE_TYPE_NAME",
    "UNPLACEABLE_TEXTS",
    "AllocatedStockOrderCreator",
    "CheckoutStart",
    "FrozenPrices",
    "OrderNotPlaceable",
    "PaymentNotCompleted",
    "RefundError",
    "StockUnavailable",
    "WebhookRejected",
    "checkout_payment_cancel",
    "checkout_payment_complete",
    "checkout_payment_get",
    "checkout_payment_release",
    "checkout_payment_start",
    "checkout_payment_unconfirmed",
    "checkout_payments_stale_settle",
    "checkout_payments_unconfirmed_settle",
    "order_confirmation_send",
    "order_refundable_amount",
    "payment_error_text",
    "payment_refund_create",
    "payment_refunded_notify",
    "payment_refunded_text",
    "stock_allocate",
    "stock_release",
    "stripe_event_construct",
    "stripe_event_process",
]

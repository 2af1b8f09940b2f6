"""Writes of the fulfilment app, by topic: split an order into vendor orders, move them through the
workflow, pay vendors, cancel units, decline and re-source them.

Each function that changes orders or money is atomic and repeat-safe: it locks
the rows it changes and a second call finds the work done and does nothing.

The topics live in the modules of this package; this module is the app's one entry
point (``from fulfilment import services``; ``services.order_split(...)``). To replace a
name in a test, patch it in the module that looks it up (e.g.
``fulfilment.services.payouts.stripe_api``), not here.
"""

from marketplace.money import ORE
from payments.gateway import stripe_api
from payments.gateway import to_ore as amount_in_ore

from .amounts import line_part_amounts, vendor_orders_recompute
from .cancellation import CancellationError, order_cancel
from .decline import DeclineError, vendor_order_decline
from .events import (
    SHIPPING_EVENT_CANCELLED,
    SHIPPING_EVENT_DELIVERED_TO_HUB,
    SHIPPING_EVENT_PACKED,
    SHIPPING_EVENT_SHIPPED,
    order_status_change,
    order_status_follow,
)
from .payouts import (
    ACCOUNT_NOT_READY_CODES,
    order_payouts_release,
    order_payouts_release_enqueue,
    order_payouts_release_if_paid,
    order_payouts_request,
    order_refund_reverse_done,
    order_refund_reverse_enqueue,
    order_refund_reverse_payouts,
    orders_refund_reversal_pending,
    payouts_held_release,
    vendor_account_ready_check,
    vendor_account_updated,
    vendor_order_payout_reverse,
    vendor_order_payout_send,
    vendor_payout_reversed,
    vendor_stripe_onboarding_link,
)
from .placing import UnitsPart, allocation_place
from .split import (
    HUB_ASSEMBLY_DAYS,
    SplitError,
    _after_split_enqueue,
    order_delivery_date_request,
    order_split,
    order_split_difference,
    order_split_register,
    orders_pending_split,
    orders_split_pending,
)
from .workflow import WorkflowError, vendor_order_advance

__all__ = [
    "ACCOUNT_NOT_READY_CODES",
    "HUB_ASSEMBLY_DAYS",
    "ORE",
    "SHIPPING_EVENT_CANCELLED",
    "SHIPPING_EVENT_DELIVERED_TO_HUB",
    "SHIPPING_EVENT_PACKED",
    "SHIPPING_EVENT_SHIPPED",
    "CancellationError",
    "DeclineError",
    "SplitError",
    "UnitsPart",
    "WorkflowError",
    "_after_split_enqueue",
    "allocation_place",
    "amount_in_ore",
    "line_part_amounts",
    "order_cancel",
    "order_delivery_date_request",
    "order_payouts_release",
    "order_payouts_release_enqueue",
    "order_payouts_release_if_paid",
    "order_payouts_request",
    "order_refund_reverse_done",
    "order_refund_reverse_enqueue",
    "order_refund_reverse_payouts",
    "order_split",
    "order_split_difference",
    "order_split_register",
    "order_status_change",
    "order_status_follow",
    "orders_pending_split",
    "orders_refund_reversal_pending",
    "orders_split_pending",
    "payouts_held_release",
    "stripe_api",
    "vendor_account_ready_check",
    "vendor_account_updated",
    "vendor_order_advance",
    "vendor_order_decline",
    "vendor_order_payout_reverse",
    "vendor_order_payout_send",
    "vendor_orders_recompute",
    "vendor_payout_reversed",
    "vendor_stripe_onboarding_link",
]

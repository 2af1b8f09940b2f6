"""Refunds of card-paid orders at Stripe, each recorded as an Oscar payment event."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

import stripe
from django.db import transaction
from django.utils.translation import gettext as _
from oscar.core.loading import get_class, get_model

from ..gateway import from_ore, idempotency_key, stripe_api, to_ore
from .errors import RefundError
from .orders import SOURCE_TYPE_NAME

PaymentEvent = get_model("order", "PaymentEvent")
PaymentEventType = get_model("order", "PaymentEventType")
EventHandler = get_class("order.processing", "EventHandler")

if TYPE_CHECKING:  # the names above are get_model's; typed by Oscar's bases (fork-proof)
    from oscar.apps.order.abstract_models import AbstractPaymentEvent

EVENT_REFUNDED = "Refunded"


def order_refundable_amount(*, order) -> Decimal:
    source = order.sources.filter(source_type__name=SOURCE_TYPE_NAME).first()
    if source is None:
        return Decimal("0.00")
    return source.amount_debited - source.amount_refunded


def payment_refund_create(*, order, amount: Decimal, token: str, reason: str = "") -> AbstractPaymentEvent:
    """Refund part or all of a card-paid order at Stripe and record it as an Oscar payment event.

    `token` comes from the form the staff member submitted, so a double click
    (same token) refunds once.
    """
    api = stripe_api()
    with transaction.atomic():
        source = order.sources.select_for_update().filter(source_type__name=SOURCE_TYPE_NAME).first()
        if source is None:
            raise RefundError(_("This order was not paid by card, so there is nothing to refund at Stripe."))
        key = idempotency_key("refund", order.number, token)
        refundable = source.amount_debited - source.amount_refunded
        if amount <= 0 or amount > refundable:
            raise RefundError(_("You can refund between 0,01 and %(max)s kr.") % {"max": refundable})
        try:
            refund = api.Refund.create(
                payment_intent=source.reference,
                amount=to_ore(amount),
                metadata={"order_number": order.number, "reason": reason[:400]},
                idempotency_key=key,
            )
        except stripe.StripeError as exc:
            raise RefundError(exc.user_message or str(exc))
        existing = PaymentEvent.objects.filter(
            order=order, event_type__name=EVENT_REFUNDED, reference=refund.id
        ).first()
        if existing:
            return existing
        return _refund_record(order=order, source=source, refund_id=refund.id, amount=from_ore(refund.amount))


def _refund_record(*, order, source, refund_id: str, amount: Decimal) -> AbstractPaymentEvent:
    source.refund(amount, reference=refund_id)
    event_type, _created = PaymentEventType.objects.get_or_create(name=EVENT_REFUNDED)
    return EventHandler().create_payment_event(order, event_type, amount, reference=refund_id)

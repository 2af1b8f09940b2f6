"""Stripe webhooks: verify a delivery, handle each event once, pass it on as `stripe_event_received`."""

from __future__ import annotations

import json
import logging

import stripe
from django.db import transaction
from oscar.core.loading import get_model

from ..gateway import from_ore
from ..models import CheckoutPayment, StripeEvent
from ..signals import stripe_event_received
from .checkout import _payment_error_code, checkout_payment_release
from .errors import WebhookRejected
from .orders import SOURCE_TYPE_NAME, checkout_payment_complete
from .refunds import _refund_record

logger = logging.getLogger("payments")

Order = get_model("order", "Order")
PaymentEvent = get_model("order", "PaymentEvent")


def stripe_event_construct(*, payload: str, signature: str, secret: str) -> stripe.Event:
    """Verify the signature, then the event's shape: an object with an id, a type and data.object.

    A validly signed body can still be `[]`, `{}` or an event without `data.object`
    (a signing bug, a replayed test payload); it is refused before anything is recorded.
    """
    try:
        stripe.WebhookSignature.verify_header(payload, signature, secret, stripe.Webhook.DEFAULT_TOLERANCE)
    except stripe.SignatureVerificationError:
        raise WebhookRejected("invalid signature")
    try:
        data = json.loads(payload)
    except ValueError:
        raise WebhookRejected("invalid payload")
    body = data.get("data") if isinstance(data, dict) else None
    if not (
        isinstance(data, dict)
        and isinstance(data.get("id"), str)
        and data["id"]
        and isinstance(data.get("type"), str)
        and data["type"]
        and isinstance(body, dict)
        and isinstance(body.get("object"), dict)
    ):
        raise WebhookRejected("not a Stripe event")
    return stripe.Event.construct_from(data, stripe.api_key)


def stripe_event_process(*, event) -> bool:
    """Handle a verified webhook event once; False when it was seen before (a replay).

    An event whose object lacks what its handler needs raises WebhookRejected, and
    nothing of it is recorded (the transaction rolls back).
    """
    with transaction.atomic():
        _record, created = StripeEvent.objects.get_or_create(event_id=event.id, defaults={"type": event.type})
        if not created:
            return False
        handler = EVENT_HANDLERS.get(event.type)
        if handler:
            try:
                handler(event.data.object)
            except (AttributeError, KeyError, TypeError) as exc:
                logger.warning("webhook event %s (%s) malformed: %r", event.id, event.type, exc)
                raise WebhookRejected("malformed event object") from exc
        stripe_event_received.send(sender=StripeEvent, event=event)
        return True


def _order_number_of(obj) -> str | None:
    metadata = getattr(obj, "metadata", None)
    return getattr(metadata, "order_number", None) if metadata else None


def _on_session_paid(session) -> None:
    order_number = _order_number_of(session) or session.client_reference_id
    if session.payment_status == "paid" and order_number:
        checkout_payment_complete(order_number=order_number)


def _on_session_expired(session) -> None:
    order_number = _order_number_of(session) or session.client_reference_id
    payment = CheckoutPayment.objects.filter(order_number=order_number).first()
    if payment and payment.stripe_session_id == session.id:
        checkout_payment_release(order_number=order_number, reason="expired")


def _on_payment_failed(intent) -> None:
    order_number = _order_number_of(intent)
    code = _payment_error_code(intent.last_payment_error) if intent.last_payment_error else ""
    CheckoutPayment.objects.filter(order_number=order_number, status=CheckoutPayment.Status.OPEN).update(
        last_error=code, stripe_payment_intent_id=intent.id
    )


def _on_payment_succeeded(intent) -> None:
    order_number = _order_number_of(intent)
    unplaced = CheckoutPayment.objects.filter(order_number=order_number, order__isnull=True)
    if order_number and unplaced.exists():
        checkout_payment_complete(order_number=order_number)


def _on_refund(refund) -> None:
    """A refund made elsewhere (e.g. in Stripe's dashboard) still becomes an Oscar payment event."""
    order_number = _order_number_of(refund)
    payment = CheckoutPayment.objects.filter(stripe_payment_intent_id=refund.payment_intent).first()
    order = payment.order if payment else Order.objects.filter(number=order_number).first()
    if order is None:
        return
    source = order.sources.select_for_update().filter(source_type__name=SOURCE_TYPE_NAME).first()
    if source is None or PaymentEvent.objects.filter(order=order, reference=refund.id).exists():
        return
    _refund_record(order=order, source=source, refund_id=refund.id, amount=from_ore(refund.amount))


EVENT_HANDLERS = {
    "checkout.session.completed": _on_session_paid,
    "checkout.session.async_payment_succeeded": _on_session_paid,
    "checkout.session.expired": _on_session_expired,
    "payment_intent.payment_failed": _on_payment_failed,
    "payment_intent.succeeded": _on_payment_succeeded,
    "refund.created": _on_refund,
}

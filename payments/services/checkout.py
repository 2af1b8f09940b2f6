"""Starting a card payment (a Stripe Checkout Session) and ending an unpaid one: cancel, decline, expiry.

Stock is allocated when the buyer commits to pay (before the redirect to Stripe);
a cancelled or expired payment gives it back. Two beat sweeps settle payments that
neither the buyer's return nor a webhook settled.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, TypedDict

import stripe
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from oscar.core.loading import get_model

from ..gateway import idempotency_key, stripe_api, to_ore
from ..models import CheckoutPayment
from .errors import PaymentNotCompleted
from .orders import checkout_payment_complete
from .prices import _priced_basket
from .stock import stock_allocate, stock_release

logger = logging.getLogger("payments")

Basket = get_model("basket", "Basket")
ShippingAddress = get_model("order", "ShippingAddress")

if TYPE_CHECKING:  # the names above are get_model's; typed by Oscar's bases (fork-proof)
    from oscar.apps.order.abstract_models import AbstractOrder

CHECKOUT_SESSION_MINUTES = 30  # Stripe's minimum expires_at


@dataclass
class CheckoutStart:
    payment: CheckoutPayment
    redirect_url: str


def _address_fields(address) -> dict:
    if address is None:
        return {}
    fields = {}
    for field in ShippingAddress._meta.concrete_fields:
        if field.primary_key or field.name in {"search_text"}:
            continue
        value = getattr(address, field.attname)
        fields[field.attname] = (
            ""
            if value is None and field.name == "phone_number"
            else (str(value) if field.name == "phone_number" else value)
        )
    return fields


class _PriceData(TypedDict):
    currency: str
    unit_amount: int
    product_data: dict[str, str]


class _LineItem(TypedDict):
    """One line of a Stripe Checkout Session, amounts in øre."""

    quantity: int
    price_data: _PriceData


def _session_line_items(*, basket, shipping_method, shipping_charge, total) -> list[_LineItem]:
    items: list[_LineItem] = []
    for line in basket.all_lines():
        items.append(
            {
                "quantity": 1,
                "price_data": {
                    "currency": "dkk",
                    "unit_amount": to_ore(line.line_price_incl_tax_incl_discounts),
                    "product_data": {"name": f"{line.quantity} × {line.product.get_title()}"},
                },
            }
        )
    if shipping_charge.incl_tax:
        items.append(
            {
                "quantity": 1,
                "price_data": {
                    "currency": "dkk",
                    "unit_amount": to_ore(shipping_charge.incl_tax),
                    "product_data": {"name": str(shipping_method.name)},
                },
            }
        )
    if sum(i["price_data"]["unit_amount"] for i in items) != to_ore(total.incl_tax):
        # Basket-wide discounts do not map onto lines: charge the total as one line.
        items = [
            {
                "quantity": 1,
                "price_data": {
                    "currency": "dkk",
                    "unit_amount": to_ore(total.incl_tax),
                    "product_data": {"name": "Fælleskurv"},
                },
            }
        ]
    return items


def checkout_payment_start(
    *,
    basket,
    user,
    guest_email: str,
    shipping_address,
    shipping_method,
    shipping_charge,
    total,
    order_number: str,
    success_url: str,
    cancel_url: str,
    language: str,
) -> CheckoutStart:
    """Allocate stock, freeze the basket and open a Stripe Checkout Session for it.

    Raises StockUnavailable (nothing changed) or stripe.StripeError (stock released,
    basket thawed). A new attempt for the same basket expires the previous session.
    """
    api = stripe_api()
    with transaction.atomic():
        payment = CheckoutPayment.objects.select_for_update().filter(order_number=order_number).first()
        if payment and payment.status == CheckoutPayment.Status.PAID:
            raise PaymentNotCompleted(_("This order has already been paid."))
        if payment and payment.status == CheckoutPayment.Status.OPEN:
            _session_expire_quietly(payment)
            stock_release(allocations=payment.allocations)
        allocations = stock_allocate(basket=basket)
        payment = payment or CheckoutPayment(order_number=order_number)
        payment.basket = basket
        payment.user = user if user and user.is_authenticated else None
        payment.guest_email = guest_email or ""
        payment.shipping_address = _address_fields(shipping_address)
        payment.shipping_method_code = shipping_method.code
        payment.language = language
        payment.amount = total.incl_tax
        payment.currency = total.currency or "DKK"
        payment.priced_basket = _priced_basket(basket=basket, shipping_charge=shipping_charge, total=total)
        payment.status = CheckoutPayment.Status.OPEN
        payment.allocations = allocations
        payment.attempt += 1
        payment.last_error = ""
        payment.stripe_session_id = ""
        payment.save()
        if basket.can_be_edited:
            basket.freeze()
    email = user.email if user and user.is_authenticated else guest_email
    try:
        session = api.checkout.Session.create(
            mode="payment",
            line_items=_session_line_items(
                basket=basket, shipping_method=shipping_method, shipping_charge=shipping_charge, total=total
            ),
            customer_email=email or None,
            client_reference_id=order_number,
            metadata={"order_number": order_number, "basket_id": str(basket.id)},
            payment_intent_data={
                "transfer_group": order_number,
                "metadata": {"order_number": order_number},
                "description": f"Fælleskurv {order_number}",
            },
            locale="da" if language.startswith("da") else "en",
            success_url=success_url,
            cancel_url=cancel_url,
            expires_at=int(timezone.now().timestamp()) + CHECKOUT_SESSION_MINUTES * 60 + 60,
            idempotency_key=idempotency_key("checkout-session", order_number, payment.attempt),
        )
    except stripe.StripeError:
        checkout_payment_release(order_number=order_number, reason="stripe error")
        raise
    CheckoutPayment.objects.filter(pk=payment.pk).update(stripe_session_id=session.id)
    payment.stripe_session_id = session.id
    return CheckoutStart(payment=payment, redirect_url=session.url)


def _session_expire_quietly(payment: CheckoutPayment) -> None:
    if not payment.stripe_session_id:
        return
    try:
        stripe_api().checkout.Session.expire(
            payment.stripe_session_id,
            idempotency_key=idempotency_key("checkout-expire", payment.stripe_session_id),
        )
    except stripe.InvalidRequestError as exc:
        logger.info("session %s not expired: %s", payment.stripe_session_id, exc.user_message)


def checkout_payment_release(*, order_number: str, reason: str, error: str = "") -> CheckoutPayment | None:
    """Give back the stock and the basket of an unpaid payment (cancelled, declined then left, expired).

    A payment that was completed meanwhile is left alone. Repeat-safe.
    """
    with transaction.atomic():
        payment = CheckoutPayment.objects.select_for_update().filter(order_number=order_number).first()
        if payment is None or payment.status != CheckoutPayment.Status.OPEN:
            return payment
        stock_release(allocations=payment.allocations)
        payment.status = CheckoutPayment.Status.RELEASED
        payment.allocations = []
        if error:
            payment.last_error = error
        payment.save(update_fields=["status", "allocations", "last_error", "updated_at"])
        if payment.basket_id:
            basket = Basket._default_manager.select_for_update().get(pk=payment.basket_id)
            if basket.status == Basket.FROZEN:
                basket.thaw()
        logger.info("payment %s released (%s)", order_number, reason)
        return payment


def checkout_payment_cancel(*, order_number: str) -> tuple[CheckoutPayment | None, AbstractOrder | None]:
    """The buyer came back without paying: expire the session, release, say why.

    If the session turns out to be paid after all (a race with the hosted page),
    the order is placed instead.
    """
    payment = CheckoutPayment.objects.filter(order_number=order_number).first()
    if payment is None:
        return None, None
    if payment.status == CheckoutPayment.Status.OPEN and payment.stripe_session_id:
        api = stripe_api()
        session = api.checkout.Session.retrieve(payment.stripe_session_id, expand=["payment_intent"])
        if session.payment_status == "paid":
            order = checkout_payment_complete(order_number=order_number)
            payment.refresh_from_db()
            return payment, order
        if session.status == "open":
            _session_expire_quietly(payment)
        error = ""
        intent = session.payment_intent
        if intent and not isinstance(intent, str) and intent.last_payment_error:
            error = _payment_error_code(intent.last_payment_error)
        payment = checkout_payment_release(order_number=order_number, reason="cancelled", error=error)
    return payment, payment.order if payment else None


def _payment_error_code(error) -> str:
    """Stripe's most specific reason (decline code before error code), e.g. "insufficient_funds"."""
    return getattr(error, "decline_code", None) or getattr(error, "code", None) or "payment_failed"


PAYMENT_ERROR_TEXTS = {
    "generic_decline": _lazy("your card was declined."),
    "card_declined": _lazy("your card was declined."),
    "insufficient_funds": _lazy("your card has insufficient funds."),
    "payment_intent_authentication_failure": _lazy("the 3-D Secure authentication of your card failed."),
    "authentication_required": _lazy("your bank requires 3-D Secure authentication."),
    "expired_card": _lazy("your card has expired."),
}


def payment_error_text(code: str) -> str:
    """What to tell the buyer about a failed payment, in the active language."""
    return str(PAYMENT_ERROR_TEXTS.get(code, _lazy("the payment failed.")))


def checkout_payment_get(*, order_number: str) -> CheckoutPayment | None:
    return CheckoutPayment.objects.filter(order_number=order_number).first()


def checkout_payment_unconfirmed(*, order_number: str, error: str) -> None:
    """Stripe could not be asked whether this payment went through: have the sweep ask again soon."""
    logger.warning("payment %s not confirmed, Stripe unreachable: %s", order_number, error)
    CheckoutPayment.objects.filter(
        order_number=order_number, status=CheckoutPayment.Status.OPEN, unconfirmed_since__isnull=True
    ).update(unconfirmed_since=timezone.now())


def checkout_payments_unconfirmed_settle() -> dict[str, int]:
    """Place the orders of payments Stripe could not confirm earlier, once it answers again.

    Runs every minute from beat, so a buyer whose return hit a Stripe outage and who
    closed the page gets the order (and the e-mail) minutes after Stripe is back.
    """
    result = {"placed": 0, "waiting": 0}
    for order_number in CheckoutPayment.objects.filter(
        status=CheckoutPayment.Status.OPEN, unconfirmed_since__isnull=False
    ).values_list("order_number", flat=True):
        try:
            order = checkout_payment_complete(order_number=order_number)
        except stripe.StripeError as exc:
            logger.warning("unconfirmed payment %s still not settled: %s", order_number, exc)
            result["waiting"] += 1
            continue
        if order is not None:
            result["placed"] += 1
        else:
            # Stripe answered: not paid (yet). The buyer may still pay; the stale sweep settles the rest.
            CheckoutPayment.objects.filter(order_number=order_number).update(unconfirmed_since=None)
    return result


def checkout_payments_stale_settle(*, older_than: timedelta | None = None) -> dict[str, int]:
    """Settle payments still open after their session expired: no lost order, no stuck stock.

    Covers the buyer who never returns *and* a webhook that never arrives: a paid
    session becomes an order, an unpaid one is expired and released.
    """
    older_than = older_than or timedelta(minutes=CHECKOUT_SESSION_MINUTES + 5)
    cutoff = timezone.now() - older_than
    result = {"placed": 0, "released": 0}
    for order_number in CheckoutPayment.objects.filter(
        status=CheckoutPayment.Status.OPEN, updated_at__lt=cutoff
    ).values_list("order_number", flat=True):
        try:
            payment, order = checkout_payment_cancel(order_number=order_number)
        except stripe.StripeError as exc:
            logger.warning("stale payment %s not settled: %s", order_number, exc)
            continue
        if order is not None:
            result["placed"] += 1
        elif payment is not None and payment.status == CheckoutPayment.Status.RELEASED:
            result["released"] += 1
    return result

"""Card payments: start a Stripe Checkout Session, place the paid order exactly once, refunds, webhooks.

Stock is allocated when the buyer commits to pay (before the redirect to
Stripe) in one locked step, so two buyers can never pay for the same last
unit; a cancelled or expired payment gives it back. The order itself is placed
through Oscar's OrderCreator (so `order_placed` fires) by whichever of the
buyer's return or the webhook gets the CheckoutPayment row lock first.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, TypedDict

import stripe
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.db.models.functions import Coalesce
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from oscar.apps.partner.prices import FixedPrice
from oscar.apps.partner.strategy import PurchaseInfo
from oscar.core.loading import get_class, get_model
from oscar.core.prices import Price

from marketplace.errors import RuleViolation
from marketplace.layout.middleware import basket_lines_prefetch
from marketplace.layout.offers import offers_exist
from marketplace.order_status import OrderStatus
from marketplace.site_url import site_current, site_url

from .gateway import from_ore, idempotency_key, stripe_api, to_ore
from .models import CheckoutPayment, StripeEvent
from .signals import stripe_event_received

logger = logging.getLogger("payments")

Basket = get_model("basket", "Basket")
Order = get_model("order", "Order")
ShippingAddress = get_model("order", "ShippingAddress")
PaymentEvent = get_model("order", "PaymentEvent")
PaymentEventType = get_model("order", "PaymentEventType")
PaymentEventQuantity = get_model("order", "PaymentEventQuantity")
Source = get_model("payment", "Source")
SourceType = get_model("payment", "SourceType")
StockRecord = get_model("partner", "StockRecord")
OrderCreator = get_class("order.utils", "OrderCreator")
OrderDispatcher = get_class("order.utils", "OrderDispatcher")
OrderTotalCalculator = get_class("checkout.calculators", "OrderTotalCalculator")
Repository = get_class("shipping.repository", "Repository")
Selector = get_class("partner.strategy", "Selector")
Applicator = get_class("offer.applicator", "Applicator")

if TYPE_CHECKING:  # the names above are get_model's; typed by Oscar's bases (fork-proof)
    from oscar.apps.order.abstract_models import AbstractOrder, AbstractPaymentEvent

SOURCE_TYPE_NAME = "Stripe"
EVENT_PAID = "Paid"
EVENT_REFUNDED = "Refunded"
CHECKOUT_SESSION_MINUTES = 30  # Stripe's minimum expires_at


class StockUnavailable(RuleViolation):
    """The basket asks for more than is left; `problems` names each item that ran out."""

    def __init__(self, problems: list[str]):
        super().__init__(" ".join(problems))
        self.problems = problems


class PaymentNotCompleted(Exception):
    pass


@dataclass
class CheckoutStart:
    payment: CheckoutPayment
    redirect_url: str


# --- Stock ---------------------------------------------------------------------------------------


def _basket_stock_needs(basket) -> dict[int, int]:
    needs: dict[int, int] = {}
    for line in basket.all_lines():
        if line.stockrecord_id and line.product.get_product_class().track_stock:
            needs[line.stockrecord_id] = needs.get(line.stockrecord_id, 0) + line.quantity
    return needs


def stock_allocate(*, basket) -> list[list[int]]:
    """Allocate the basket's stock in one locked step, or raise StockUnavailable changing nothing.

    Rows are locked in primary-key order so concurrent checkouts cannot deadlock.
    Must run inside a transaction.
    """
    needs = _basket_stock_needs(basket)
    records = (
        StockRecord.objects.select_for_update().select_related("product").filter(pk__in=needs).order_by("pk")
    )
    problems = []
    for record in records:
        available = (record.num_in_stock or 0) - (record.num_allocated or 0)
        if needs[record.pk] > available:
            problems.append(
                _("Sorry, %(product)s has run out: %(available)d left, your basket has %(wanted)d.")
                % {"product": record.product.get_title(), "available": max(available, 0),
                   "wanted": needs[record.pk]}
            )
    if problems:
        raise StockUnavailable(problems)
    for record_id, quantity in needs.items():
        # Coalesce like Oscar's own StockRecord.allocate: NULL + n would stay NULL and reserve nothing.
        allocated = Coalesce(F("num_allocated"), 0) + quantity
        StockRecord.objects.filter(pk=record_id).update(num_allocated=allocated)
    return [[record_id, quantity] for record_id, quantity in sorted(needs.items())]


def stock_release(*, allocations: list[list[int]]) -> None:
    """Give back what `stock_allocate` took (never below zero)."""
    ids = [a[0] for a in allocations]
    records = StockRecord.objects.select_for_update().filter(pk__in=ids).order_by("pk")
    by_id = {record.pk: record for record in records}
    for record_id, quantity in allocations:
        record = by_id.get(record_id)
        if record is not None:
            record.num_allocated = max((record.num_allocated or 0) - quantity, 0)
            record.save(update_fields=["num_allocated"])


class AllocatedStockOrderCreator(OrderCreator):  # type: ignore[misc,valid-type]  # get_class's class
    """Oscar's OrderCreator, minus the unlocked allocation: stock was allocated before payment."""

    def update_stock_records(self, line):
        return None


# --- Starting a payment ----------------------------------------------------------------------------


def _address_fields(address) -> dict:
    if address is None:
        return {}
    fields = {}
    for field in ShippingAddress._meta.concrete_fields:
        if field.primary_key or field.name in {"search_text"}:
            continue
        value = getattr(address, field.attname)
        fields[field.attname] = "" if value is None and field.name == "phone_number" else (
            str(value) if field.name == "phone_number" else value
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
        items.append({
            "quantity": 1,
            "price_data": {
                "currency": "dkk",
                "unit_amount": to_ore(line.line_price_incl_tax_incl_discounts),
                "product_data": {"name": f"{line.quantity} × {line.product.get_title()}"},
            },
        })
    if shipping_charge.incl_tax:
        items.append({"quantity": 1, "price_data": {
            "currency": "dkk", "unit_amount": to_ore(shipping_charge.incl_tax),
            "product_data": {"name": str(shipping_method.name)}}})
    if sum(i["price_data"]["unit_amount"] for i in items) != to_ore(total.incl_tax):
        # Basket-wide discounts do not map onto lines: charge the total as one line.
        items = [{"quantity": 1, "price_data": {"currency": "dkk", "unit_amount": to_ore(total.incl_tax),
                                                "product_data": {"name": "Fælleskurv"}}}]
    return items


def _priced_basket(*, basket, shipping_charge, total) -> dict:
    """What the buyer agrees to pay when pressing "Pay": each line's unit price, delivery, total."""
    return {
        "lines": {
            str(line.pk): {"excl": str(line.unit_price_excl_tax), "tax": str(line.unit_tax)}
            for line in basket.all_lines()
        },
        "shipping": {"excl": str(shipping_charge.excl_tax), "incl": str(shipping_charge.incl_tax)},
        "total": str(total.incl_tax),
    }


class FrozenPrices:
    """The buyer's pricing strategy, except that each line costs what it did at "Pay".

    A vendor may change a price while the buyer is on Stripe's page; the order must
    be placed at the price that was charged, and payouts follow the order lines.
    """

    def __init__(self, *, strategy, lines: dict[str, dict]):
        self._strategy = strategy
        self._lines = lines

    def __getattr__(self, name):
        return getattr(self._strategy, name)

    def fetch_for_line(self, line, stockrecord=None):
        info = self._strategy.fetch_for_line(line, stockrecord)
        frozen = self._lines.get(str(line.pk))
        if frozen is None:
            return info
        price = FixedPrice(currency=info.price.currency, excl_tax=Decimal(frozen["excl"]),
                           tax=Decimal(frozen["tax"]))
        return PurchaseInfo(price=price, availability=info.availability, stockrecord=info.stockrecord)


def checkout_payment_start(
    *, basket, user, guest_email: str, shipping_address, shipping_method, shipping_charge, total,
    order_number: str, success_url: str, cancel_url: str, language: str,
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
            line_items=_session_line_items(basket=basket, shipping_method=shipping_method,
                                           shipping_charge=shipping_charge, total=total),
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


# --- Cancel, decline, expiry --------------------------------------------------------------------


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


# --- Placing the paid order -------------------------------------------------------------------------


def checkout_payment_complete(*, order_number: str, request=None) -> AbstractOrder | None:
    """Place the order for a paid session, exactly once; None if the session is not paid.

    Called by the buyer's return and by the webhook, in any order and any number of times.
    """
    api = stripe_api()
    with transaction.atomic():
        payment = CheckoutPayment.objects.select_for_update().filter(order_number=order_number).first()
        if payment is None:
            logger.warning("payment for unknown order number %s", order_number)
            return None
        if payment.order_id:
            return payment.order
        if payment.status == CheckoutPayment.Status.REFUNDED:
            return None
        session = api.checkout.Session.retrieve(payment.stripe_session_id, expand=["payment_intent"])
        if session.payment_status != "paid":
            return None
        if payment.status == CheckoutPayment.Status.RELEASED:
            # Paid although we gave the stock back (expiry raced the payment): take it again.
            logger.error("order %s paid after release: re-allocating stock", order_number)
            basket = Basket._default_manager.get(pk=payment.basket_id)
            basket.strategy = Selector().strategy(user=payment.user)
            try:
                payment.allocations = stock_allocate(basket=basket)
            except StockUnavailable:
                payment.allocations = []
                _payment_refund_unplaceable(payment=payment, session=session, reason="sold_out")
                return None
        try:
            with transaction.atomic():
                order = _order_place(payment=payment, session=session, request=request)
        except OrderNotPlaceable as exc:
            _payment_refund_unplaceable(payment=payment, session=session, reason=exc.reason)
            return None
        transaction.on_commit(lambda: order_confirmation_send(order_id=order.pk, language=payment.language))
        return order


UNPLACEABLE_TEXTS = {
    "price_changed": _lazy(
        "A price in your basket changed while you were paying, so we could not place your order at the "
        "price you paid. We have refunded the full %(amount)s kr. to your card. Your basket is kept: "
        "please check it and pay again."
    ),
    "sold_out": _lazy(
        "An item in your basket sold out while you were paying, so we could not place your order. We have "
        "refunded the full %(amount)s kr. to your card. Your basket is kept."
    ),
}


def payment_refunded_text(payment: CheckoutPayment) -> str:
    """What to tell a buyer whose payment was refunded instead of becoming an order (active language)."""
    text = UNPLACEABLE_TEXTS.get(payment.last_error, UNPLACEABLE_TEXTS["price_changed"])
    return str(text) % {"amount": f"{payment.amount:.2f}".replace(".", ",")}


def _payment_refund_unplaceable(*, payment: CheckoutPayment, session, reason: str) -> None:
    """Refund a paid session that cannot become an order, give back stock and basket, tell the buyer.

    Runs under the payment's row lock; the refund's idempotency key makes a repeat refund once.
    """
    intent = session.payment_intent
    intent_id = intent if isinstance(intent, str) else intent.id
    refund = stripe_api().Refund.create(
        payment_intent=intent_id, amount=session.amount_total,
        metadata={"order_number": payment.order_number, "reason": reason},
        idempotency_key=idempotency_key("checkout-refund", payment.order_number),
    )
    stock_release(allocations=payment.allocations)
    payment.status = CheckoutPayment.Status.REFUNDED
    payment.allocations = []
    payment.amount = from_ore(session.amount_total)
    payment.last_error = reason
    payment.stripe_payment_intent_id = intent_id
    payment.stripe_refund_id = refund.id
    payment.unconfirmed_since = None
    payment.save()
    if payment.basket_id:
        basket = Basket._default_manager.select_for_update().get(pk=payment.basket_id)
        if basket.status == Basket.FROZEN:
            basket.thaw()
    logger.error("payment %s refunded (%s): no order placed", payment.order_number, reason)
    transaction.on_commit(lambda: payment_refunded_notify(payment_id=payment.pk))


def payment_refunded_notify(*, payment_id: int) -> None:
    """E-mail the buyer why they were refunded instead of getting an order (in their language)."""
    payment = CheckoutPayment.objects.select_related("user").get(pk=payment_id)
    email = payment.user.email if payment.user else payment.guest_email
    if not email:
        return
    with translation.override(payment.language):
        subject = _("Your payment %(number)s was refunded") % {"number": payment.order_number}
        send_mail(subject, payment_refunded_text(payment), None, [email])


class OrderNotPlaceable(RuleViolation):
    """The paid basket cannot become an order at the amount charged (the payment is refunded)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def _order_place(*, payment: CheckoutPayment, session, request) -> AbstractOrder:
    """Place the paid order at the prices frozen at "Pay"; OrderNotPlaceable unless it totals the payment."""
    basket = Basket._default_manager.select_for_update().get(pk=payment.basket_id)
    user = payment.user
    priced = payment.priced_basket or {}
    strategy = Selector().strategy(request=request, user=user)
    basket.strategy = FrozenPrices(strategy=strategy, lines=priced.get("lines", {})) if priced else strategy
    basket_lines_prefetch(basket)  # the order lines read each line's product class and partner
    if offers_exist():
        Applicator().apply(basket, user, request)
    shipping_address = ShippingAddress(**payment.shipping_address) if payment.shipping_address else None
    methods = Repository().get_shipping_methods(basket=basket, user=user, shipping_addr=shipping_address,
                                                request=request)
    shipping_method = next(m for m in methods if m.code == payment.shipping_method_code)
    if priced.get("shipping"):
        shipping_charge = Price(currency=basket.currency, excl_tax=Decimal(priced["shipping"]["excl"]),
                                incl_tax=Decimal(priced["shipping"]["incl"]))
    else:
        shipping_charge = shipping_method.calculate(basket)
    total = OrderTotalCalculator(request).calculate(basket, shipping_charge)
    paid = from_ore(session.amount_total)
    if paid != total.incl_tax:
        logger.error("order %s: paid %s but the basket totals %s: refunding", payment.order_number, paid,
                     total.incl_tax)
        raise OrderNotPlaceable("price_changed")
    if shipping_address is not None:
        shipping_address.save()
    with translation.override(payment.language):
        order = AllocatedStockOrderCreator().place_order(
            basket=basket, total=total, shipping_method=shipping_method, shipping_charge=shipping_charge,
            user=user, shipping_address=shipping_address, order_number=payment.order_number,
            status=settings.OSCAR_INITIAL_ORDER_STATUS, request=request,
            guest_email=payment.guest_email if not user else "",
        )
    order.set_status(OrderStatus.PAID)
    intent = session.payment_intent
    intent_id = intent if isinstance(intent, str) else intent.id
    charge_id = "" if isinstance(intent, str) else (intent.latest_charge or "")
    source_type, _created = SourceType.objects.get_or_create(name=SOURCE_TYPE_NAME)
    Source.objects.create(order=order, source_type=source_type, currency=order.currency,
                          amount_allocated=paid, amount_debited=paid, reference=intent_id,
                          label=f"Stripe {charge_id}".strip())
    event_type, _created = PaymentEventType.objects.get_or_create(name=EVENT_PAID)
    event = PaymentEvent.objects.create(order=order, event_type=event_type, amount=paid, reference=charge_id)
    PaymentEventQuantity.objects.bulk_create(
        [PaymentEventQuantity(event=event, line=line, quantity=line.quantity) for line in order.lines.all()]
    )
    basket.submit()
    payment.order = order
    payment.status = CheckoutPayment.Status.PAID
    payment.stripe_payment_intent_id = intent_id
    payment.stripe_charge_id = charge_id
    payment.unconfirmed_since = None
    payment.save()
    logger.info("order %s placed and paid (%s)", order.number, charge_id)
    return order


def order_confirmation_send(*, order_id: int, language: str) -> None:
    """Oscar's ORDER_PLACED e-mail (HTML and text) in the buyer's language."""
    order = Order.objects.get(pk=order_id)
    with translation.override(language):
        ctx = {"user": order.user, "order": order, "lines": order.lines.all(), "request": None,
               "site": site_current()}
        try:
            if order.user_id:
                path = reverse("customer:order", kwargs={"order_number": order.number})
            else:
                path = reverse("customer:anon-order",
                               kwargs={"order_number": order.number, "hash": order.verification_hash()})
        except NoReverseMatch:
            path = ""
        if path:
            ctx["status_path"] = path
            ctx["status_url"] = site_url(path)
        OrderDispatcher(logger=logger).send_order_placed_email_for_user(order, ctx)


# --- Refunds ------------------------------------------------------------------------------------------


class RefundError(RuleViolation):
    pass


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
                payment_intent=source.reference, amount=to_ore(amount),
                metadata={"order_number": order.number, "reason": reason[:400]},
                idempotency_key=key,
            )
        except stripe.StripeError as exc:
            raise RefundError(exc.user_message or str(exc))
        existing = PaymentEvent.objects.filter(order=order, event_type__name=EVENT_REFUNDED,
                                               reference=refund.id).first()
        if existing:
            return existing
        return _refund_record(order=order, source=source, refund_id=refund.id, amount=from_ore(refund.amount))


def _refund_record(*, order, source, refund_id: str, amount: Decimal) -> AbstractPaymentEvent:
    source.refund(amount, reference=refund_id)
    event_type, _created = PaymentEventType.objects.get_or_create(name=EVENT_REFUNDED)
    return PaymentEvent.objects.create(order=order, event_type=event_type, amount=amount, reference=refund_id)


# --- Webhooks -------------------------------------------------------------------------------------------


class WebhookRejected(Exception):
    """A webhook delivery that is not a correctly signed, well-formed Stripe event (answer 400)."""


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
        and isinstance(data.get("id"), str) and data["id"]
        and isinstance(data.get("type"), str) and data["type"]
        and isinstance(body, dict) and isinstance(body.get("object"), dict)
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

"""Placing the paid order exactly once, or refunding a payment that cannot become the order it paid for.

The order is placed through Oscar's OrderCreator (so `order_placed` fires) by
whichever of the buyer's return or the webhook gets the CheckoutPayment row lock first.
"""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from oscar.core.loading import get_class, get_model
from oscar.core.prices import Price

from marketplace.layout.middleware import basket_lines_prefetch
from marketplace.layout.offers import offers_exist
from marketplace.order_status import OrderStatus
from marketplace.site_url import site_current, site_url

from ..gateway import from_ore, idempotency_key, stripe_api
from ..models import CheckoutPayment
from .errors import OrderNotPlaceable, StockUnavailable
from .prices import FrozenPrices
from .stock import AllocatedStockOrderCreator, stock_allocate, stock_release

logger = logging.getLogger("payments")

Basket = get_model("basket", "Basket")
Order = get_model("order", "Order")
ShippingAddress = get_model("order", "ShippingAddress")
PaymentEventType = get_model("order", "PaymentEventType")
Source = get_model("payment", "Source")
SourceType = get_model("payment", "SourceType")
EventHandler = get_class("order.processing", "EventHandler")
OrderDispatcher = get_class("order.utils", "OrderDispatcher")
OrderTotalCalculator = get_class("checkout.calculators", "OrderTotalCalculator")
Repository = get_class("shipping.repository", "Repository")
Selector = get_class("partner.strategy", "Selector")
Applicator = get_class("offer.applicator", "Applicator")

if TYPE_CHECKING:  # the names above are get_model's; typed by Oscar's bases (fork-proof)
    from oscar.apps.order.abstract_models import AbstractOrder

SOURCE_TYPE_NAME = "Stripe"
EVENT_PAID = "Paid"


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
        payment_intent=intent_id,
        amount=session.amount_total,
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
    methods = Repository().get_shipping_methods(
        basket=basket, user=user, shipping_addr=shipping_address, request=request
    )
    shipping_method = next(m for m in methods if m.code == payment.shipping_method_code)
    if priced.get("shipping"):
        shipping_charge = Price(
            currency=basket.currency,
            excl_tax=Decimal(priced["shipping"]["excl"]),
            incl_tax=Decimal(priced["shipping"]["incl"]),
        )
    else:
        shipping_charge = shipping_method.calculate(basket)
    total = OrderTotalCalculator(request).calculate(basket, shipping_charge)
    paid = from_ore(session.amount_total)
    if paid != total.incl_tax:
        logger.error(
            "order %s: paid %s but the basket totals %s: refunding",
            payment.order_number,
            paid,
            total.incl_tax,
        )
        raise OrderNotPlaceable("price_changed")
    if shipping_address is not None:
        shipping_address.save()
    with translation.override(payment.language):
        order = AllocatedStockOrderCreator().place_order(
            basket=basket,
            total=total,
            shipping_method=shipping_method,
            shipping_charge=shipping_charge,
            user=user,
            shipping_address=shipping_address,
            order_number=payment.order_number,
            status=settings.OSCAR_INITIAL_ORDER_STATUS,
            request=request,
            guest_email=payment.guest_email if not user else "",
        )
    handler = EventHandler()
    handler.handle_order_status_change(order, OrderStatus.PAID)
    intent = session.payment_intent
    intent_id = intent if isinstance(intent, str) else intent.id
    charge_id = "" if isinstance(intent, str) else (intent.latest_charge or "")
    source_type, _created = SourceType.objects.get_or_create(name=SOURCE_TYPE_NAME)
    Source.objects.create(
        order=order,
        source_type=source_type,
        currency=order.currency,
        amount_allocated=paid,
        amount_debited=paid,
        reference=intent_id,
        label=f"Stripe {charge_id}".strip(),
    )
    event_type, _created = PaymentEventType.objects.get_or_create(name=EVENT_PAID)
    lines = list(order.lines.all())
    handler.create_payment_event(
        order,
        event_type,
        paid,
        lines=lines,
        line_quantities=[line.quantity for line in lines],
        reference=charge_id,
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
        ctx = {
            "user": order.user,
            "order": order,
            "lines": order.lines.all(),
            "request": None,
            "site": site_current(),
        }
        try:
            if order.user_id:
                path = reverse("customer:order", kwargs={"order_number": order.number})
            else:
                path = reverse(
                    "customer:anon-order",
                    kwargs={"order_number": order.number, "hash": order.verification_hash()},
                )
        except NoReverseMatch:
            path = ""
        if path:
            ctx["status_path"] = path
            ctx["status_url"] = site_url(path)
        OrderDispatcher(logger=logger).send_order_placed_email_for_user(order, ctx)

"""The order is placed at the prices the buyer agreed to at "Pay" and was charged, or refunded and told."""

from decimal import Decimal

import pytest
from django.core import mail
from oscar.core.loading import get_model
from oscar.test.factories import create_offer

from fulfilment.services import order_split
from payments.models import CheckoutPayment

from .conftest import checkout_to_preview, place_order, return_from_stripe, session_id_from

Order = get_model("order", "Order")
Basket = get_model("basket", "Basket")
StockRecord = get_model("partner", "StockRecord")

pytestmark = pytest.mark.django_db(transaction=True)


def _pay_after(client, double, product, *, meanwhile):
    """Press "Pay", let `meanwhile` happen (a vendor, staff), then pay on Stripe's page and return."""
    checkout_to_preview(client, product=product)
    session_id = session_id_from(place_order(client))
    meanwhile()
    assert double.pay(session_id) == "success"
    return session_id, return_from_stripe(client, double, session_id)


def test_price_raised_between_pay_and_payment_places_the_order_at_the_price_charged(
    client, stripe_double, product
):
    def vendor_raises_the_price():
        StockRecord.objects.filter(product=product).update(price=Decimal("600.00"))

    session_id, response = _pay_after(client, stripe_double, product, meanwhile=vendor_raises_the_price)

    charged = Decimal(stripe_double.objects["checkout.session"][session_id]["amount_total"]) / 100
    order = Order.objects.get()
    assert response["Location"].endswith("/checkout/thank-you/")
    assert charged == Decimal("309.00")  # 250.00 incl. VAT + 59.00 delivery, as on the preview
    assert order.total_incl_tax == charged
    assert order.sources.get().amount_debited == charged
    line = order.lines.get()
    assert (line.unit_price_excl_tax, line.unit_price_incl_tax) == (Decimal("200.00"), Decimal("250.00"))
    assert line.line_price_incl_tax == Decimal("250.00")
    # Payouts follow the order lines: the vendor is paid from what the buyer paid.
    (vendor_order,) = order_split(order_id=order.id)
    assert vendor_order.subtotal_incl_tax == Decimal("250.00")
    assert vendor_order.payout_amount == Decimal("250.00") - vendor_order.commission


def test_discount_started_between_pay_and_payment_refunds_the_buyer_and_says_why(
    client, stripe_double, product
):
    def staff_start_a_campaign():
        create_offer(name="Julekampagne")  # 20 % off everything

    session_id, response = _pay_after(client, stripe_double, product, meanwhile=staff_start_a_campaign)

    assert Order.objects.count() == 0
    payment = CheckoutPayment.objects.get()
    assert payment.status == CheckoutPayment.Status.REFUNDED
    refunds = list(stripe_double.objects["refund"].values())
    assert [(r["amount"], r["payment_intent"]) for r in refunds] == [
        (30900, stripe_double.objects["checkout.session"][session_id]["payment_intent"])
    ]
    assert payment.stripe_refund_id == refunds[0]["id"]
    assert response["Location"] == "/en/basket/"
    page = client.get(response["Location"]).content.decode()
    assert "we could not place your order at the price you paid" in page
    assert "refunded the full 309,00 kr." in page
    assert Basket.open.get().num_items == 1
    assert StockRecord.objects.get(product=product).num_allocated == 0
    assert [m.to for m in mail.outbox] == [["guest@example.dk"]]
    assert "refunded the full 309,00 kr." in mail.outbox[0].body


def test_payment_completed_after_its_stock_was_released_and_sold_is_refunded_not_oversold(
    client, stripe_double
):
    from django.test import Client

    from payments.services import checkout_payment_release

    from .conftest import product_in_stock

    last_one = product_in_stock(title="Sidste julekurv", stock=1)
    checkout_to_preview(client, product=last_one)
    session_id = session_id_from(place_order(client))
    # The payment looked abandoned and its stock went back; another buyer bought the last unit.
    checkout_payment_release(order_number=CheckoutPayment.objects.get().order_number, reason="test")
    other = Client()
    checkout_to_preview(other, product=last_one, email="other@example.dk")
    other_session = session_id_from(place_order(other))
    stripe_double.pay(other_session)
    return_from_stripe(other, stripe_double, other_session)

    stripe_double.pay(session_id)  # the first buyer was still on Stripe's page after all
    response = return_from_stripe(client, stripe_double, session_id)

    assert Order.objects.count() == 1 and Order.objects.get().guest_email == "other@example.dk"
    record = StockRecord.objects.get(product=last_one)
    assert (record.num_in_stock, record.num_allocated) == (1, 1)
    first = CheckoutPayment.objects.get(stripe_session_id=session_id)
    assert first.status == CheckoutPayment.Status.REFUNDED
    assert [r["payment_intent"] for r in stripe_double.objects["refund"].values()] == [
        stripe_double.objects["checkout.session"][session_id]["payment_intent"]
    ]
    page = client.get(response["Location"]).content.decode()
    assert "An item in your basket sold out while you were paying" in page

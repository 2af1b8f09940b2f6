"""Guest checkout through the Stripe double: one order, whatever order return and webhook come in."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from oscar.core.loading import get_model

from payments.gateway import stripe_api
from payments.models import CheckoutPayment, StripeEvent
from payments.services import checkout_payments_stale_settle

from .conftest import (
    ADDRESS,
    cancel_from_stripe,
    checkout_to_preview,
    deliver,
    events_of,
    place_order,
    product_in_stock,
    return_from_stripe,
    session_id_from,
)

Order = get_model("order", "Order")
Basket = get_model("basket", "Basket")
StockRecord = get_model("partner", "StockRecord")
PaymentEvent = get_model("order", "PaymentEvent")

pytestmark = pytest.mark.django_db(transaction=True)


def _start_paid_session(client, double, product, quantity=1):
    checkout_to_preview(client, product=product, quantity=quantity)
    response = place_order(client)
    assert response.status_code == 302 and response["Location"].startswith(double.url), response
    session_id = session_id_from(response)
    assert double.pay(session_id) == "success"
    return session_id


def test_preview_shows_vat_and_delivery_price_per_basket(client, stripe_double, product):
    checkout_to_preview(client, product=product, quantity=2)

    html = client.get("/en/checkout/preview/").content.decode()

    # 2 x 250.00 incl. VAT + 59.00 delivery (one order of loose items counts as one basket)
    assert "Delivery to your address" in html
    assert "559,00" in html or "559.00" in html
    assert "VAT (25 %)" in html
    assert "111,80" in html or "111.80" in html
    assert 'id="test-payment-notice"' in html


def test_session_carries_amount_in_ore_dkk_transfer_group_and_idempotency_key(client, stripe_double, product):
    checkout_to_preview(client, product=product)

    response = place_order(client)

    session = stripe_double.objects["checkout.session"][session_id_from(response)]
    payment = CheckoutPayment.objects.get()
    assert session["amount_total"] == 25000 + 5900
    assert session["currency"] == "dkk"
    assert session["_payment_intent_data"]["transfer_group"] == payment.order_number
    assert session["metadata"]["order_number"] == payment.order_number
    posts = [r for r in stripe_double.requests if r["method"] == "POST"]
    assert posts and all(r["idempotency_key"] for r in posts)
    # The stock is held while the buyer pays, and the basket cannot change meanwhile.
    record = StockRecord.objects.get(product=product)
    assert record.num_allocated == 1
    assert Basket._default_manager.get(pk=payment.basket_id).status == Basket.FROZEN


def test_return_then_webhook_places_one_paid_order_and_sends_one_email(client, stripe_double, product):
    session_id = _start_paid_session(client, stripe_double, product)

    response = return_from_stripe(client, stripe_double, session_id)
    for event in stripe_double.events:
        assert deliver(client, stripe_double, event).status_code == 200

    assert response.status_code == 302 and response["Location"].endswith("/checkout/thank-you/")
    order = Order.objects.get()
    assert order.status == "Paid"
    assert order.total_incl_tax == Decimal("309.00")
    assert order.guest_email == "guest@example.dk"
    assert order.shipping_address.postcode == "8000"
    assert order.sources.get().amount_debited == Decimal("309.00")
    assert PaymentEvent.objects.filter(order=order, event_type__name="Paid").count() == 1
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["guest@example.dk"]
    assert mail.outbox[0].alternatives, "the confirmation has an HTML part"
    assert order.number in mail.outbox[0].body
    assert mail.outbox[0].subject == f"Confirmation of order {order.number}"  # the buyer's language
    # Allocated once, kept by the order (Oscar consumes it when the order ships).
    assert StockRecord.objects.get(product=product).num_allocated == 1
    thank_you = client.get(response["Location"]).content.decode()
    assert order.number in thank_you and 'id="order-status"' in thank_you


def test_webhook_then_return_places_one_order(client, stripe_double, product):
    session_id = _start_paid_session(client, stripe_double, product)

    for event in events_of(stripe_double, "checkout.session.completed"):
        deliver(client, stripe_double, event)
    assert Order.objects.count() == 1
    response = return_from_stripe(client, stripe_double, session_id)
    again = return_from_stripe(client, stripe_double, session_id)

    assert response["Location"].endswith("/checkout/thank-you/")
    assert again.status_code == 302
    assert Order.objects.count() == 1
    assert Order.objects.get().status == "Paid"
    assert len(mail.outbox) == 1


def test_order_is_placed_by_the_webhook_alone_when_the_buyer_never_returns(client, stripe_double, product):
    _start_paid_session(client, stripe_double, product)

    for event in stripe_double.events:
        deliver(client, stripe_double, event)

    order = Order.objects.get()
    assert order.status == "Paid"
    assert CheckoutPayment.objects.get().order == order
    assert len(mail.outbox) == 1


def test_declined_card_places_no_order_keeps_the_cart_and_releases_the_stock(client, stripe_double, product):
    checkout_to_preview(client, product=product, quantity=2)
    session_id = session_id_from(place_order(client))

    outcome = stripe_double.pay(session_id, "4000000000000002")
    for event in stripe_double.events:
        deliver(client, stripe_double, event)
    response = cancel_from_stripe(client, stripe_double, session_id)

    assert outcome == "Your card was declined."
    assert Order.objects.count() == 0
    assert response["Location"].endswith("/basket/")
    basket_page = client.get(response["Location"]).content.decode()
    assert "your card was declined" in basket_page
    assert "Julekurv Solhverv" in basket_page
    assert Basket.open.get().num_items == 2
    assert StockRecord.objects.get(product=product).num_allocated == 0
    assert stripe_double.objects["checkout.session"][session_id]["status"] == "expired"


def test_paying_again_after_a_decline_places_the_order(client, stripe_double, product):
    checkout_to_preview(client, product=product)
    first = session_id_from(place_order(client))
    stripe_double.pay(first, "4000000000000002")
    cancel_from_stripe(client, stripe_double, first)

    second = session_id_from(place_order(client))
    stripe_double.pay(second)
    return_from_stripe(client, stripe_double, second)

    assert first != second
    assert Order.objects.get().status == "Paid"
    assert StockRecord.objects.get(product=product).num_allocated == 1


def test_three_d_secure_card_places_the_order_after_authentication(client, stripe_double, product):
    checkout_to_preview(client, product=product)
    session_id = session_id_from(place_order(client))

    assert stripe_double.pay(session_id, "4000002760003184") == "requires_action"
    assert Order.objects.count() == 0
    assert stripe_double.authenticate(session_id) == "success"
    return_from_stripe(client, stripe_double, session_id)

    assert Order.objects.get().status == "Paid"


def test_expired_session_webhook_releases_stock_and_basket(client, stripe_double, product):
    checkout_to_preview(client, product=product)
    session_id = session_id_from(place_order(client))

    stripe_api().checkout.Session.expire(session_id)
    for event in events_of(stripe_double, "checkout.session.expired"):
        deliver(client, stripe_double, event)

    assert CheckoutPayment.objects.get().status == CheckoutPayment.Status.RELEASED
    assert StockRecord.objects.get(product=product).num_allocated == 0
    assert Basket.open.get().num_items == 1
    assert StripeEvent.objects.filter(type="checkout.session.expired").count() == 1


def test_address_form_wants_a_four_digit_danish_postcode(client, stripe_double, product):
    client.post(f"/en/basket/add/{product.pk}/", {"quantity": 1})
    client.post("/en/checkout/", {"username": "guest@example.dk", "options": "anonymous"})

    response = client.post("/en/checkout/shipping-address/", {**ADDRESS, "postcode": "800"})

    assert response.status_code == 200
    assert "A Danish postcode has 4 digits, e.g. 8000." in response.content.decode()
    assert "country" not in response.context["form"].fields


def test_browser_back_from_the_payment_page_gives_back_the_basket_and_stock(client, stripe_double, product):
    checkout_to_preview(client, product=product)
    session_id = session_id_from(place_order(client))

    response = client.get("/en/checkout/preview/")

    assert response.status_code == 200
    assert "You left the payment page, so nothing was charged." in response.content.decode()
    assert Basket.open.get().num_items == 1
    assert StockRecord.objects.get(product=product).num_allocated == 0
    assert stripe_double.objects["checkout.session"][session_id]["status"] == "expired"
    assert session_id_from(place_order(client)) != session_id


def test_sweep_places_a_paid_order_whose_return_and_webhook_were_both_lost(client, stripe_double, product):
    paid_session = _start_paid_session(client, stripe_double, product)
    other = product_in_stock(title="Honning", stock=3)
    abandoned_client = Client()
    checkout_to_preview(abandoned_client, product=other)
    abandoned_session = session_id_from(place_order(abandoned_client))
    CheckoutPayment.objects.update(updated_at=timezone.now() - timedelta(hours=1))

    result = checkout_payments_stale_settle()

    assert result == {"placed": 1, "released": 1}
    assert Order.objects.get().status == "Paid"
    assert stripe_double.objects["checkout.session"][abandoned_session]["status"] == "expired"
    assert stripe_double.objects["checkout.session"][paid_session]["status"] == "complete"
    assert StockRecord.objects.get(product=other).num_allocated == 0
    assert checkout_payments_stale_settle() == {"placed": 0, "released": 0}

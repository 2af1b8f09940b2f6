"""Stripe unreachable when the buyer comes back: a page that keeps checking, the order placed once."""

import re

import pytest
from django.core import mail
from oscar.core.loading import get_model

from payments.models import CheckoutPayment, StripeEvent
from payments.services import checkout_payments_unconfirmed_settle

from .conftest import (
    checkout_to_preview,
    deliver,
    events_of,
    place_order,
    return_from_stripe,
    session_id_from,
)

Order = get_model("order", "Order")
Basket = get_model("basket", "Basket")
StockRecord = get_model("partner", "StockRecord")

pytestmark = pytest.mark.django_db(transaction=True)


def _paid_then_stripe_down(client, double, product, *, language="en"):
    checkout_to_preview(client, product=product, language=language)
    session_id = session_id_from(place_order(client, language=language))
    assert double.pay(session_id) == "success"
    double.stop()
    return session_id


def _assert_confirming_page(response, *, text):
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="payment-confirming"' in html
    assert text in html
    assert re.search(r'<meta http-equiv="refresh" content="5;url=[^"]+">', html)
    return html


def test_return_while_stripe_is_down_shows_the_confirming_page_then_places_the_order_once(
    client, stripe_double, product
):
    session_id = _paid_then_stripe_down(client, stripe_double, product, language="da")

    response = return_from_stripe(client, stripe_double, session_id)

    _assert_confirming_page(response, text="Vi bekræfter din betaling")
    assert Order.objects.count() == 0
    assert CheckoutPayment.objects.get().unconfirmed_since is not None
    # The stock stays held and the basket is not handed back empty.
    assert StockRecord.objects.get(product=product).num_allocated == 1
    assert Basket._default_manager.get().status == Basket.FROZEN

    stripe_double.start()
    retry = client.get(re.search(r'url=([^"]+)"', response.content.decode()).group(1).replace("&amp;", "&"))
    for event in stripe_double.events:
        assert deliver(client, stripe_double, event).status_code == 200

    assert retry.status_code == 302 and retry["Location"].endswith("/checkout/thank-you/")
    order = Order.objects.get()
    assert order.status == "Paid"
    assert CheckoutPayment.objects.get().unconfirmed_since is None
    assert len(mail.outbox) == 1


def test_buyer_who_leaves_the_confirming_page_gets_the_order_from_the_minute_sweep(
    client, stripe_double, product
):
    session_id = _paid_then_stripe_down(client, stripe_double, product)
    _assert_confirming_page(
        return_from_stripe(client, stripe_double, session_id), text="We are confirming your payment"
    )
    assert checkout_payments_unconfirmed_settle() == {"placed": 0, "waiting": 1}

    stripe_double.start()
    result = checkout_payments_unconfirmed_settle()

    assert result == {"placed": 1, "waiting": 0}
    assert Order.objects.get().status == "Paid"
    assert checkout_payments_unconfirmed_settle() == {"placed": 0, "waiting": 0}
    assert Order.objects.count() == 1
    assert [m.to for m in mail.outbox] == [["guest@example.dk"]]


def test_back_to_the_preview_while_stripe_is_down_shows_the_confirming_page_not_an_empty_basket(
    client, stripe_double, product
):
    checkout_to_preview(client, product=product)
    place_order(client)
    stripe_double.stop()

    response = client.get("/en/checkout/preview/")

    _assert_confirming_page(response, text="We are confirming your payment")
    stripe_double.start()
    response = client.get("/en/checkout/preview/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "You left the payment page, so nothing was charged." in html
    assert Basket.open.get().num_items == 1
    assert StockRecord.objects.get(product=product).num_allocated == 0
    basket_page = client.get("/en/basket/").content.decode()
    assert product.title in basket_page
    assert "Your basket is empty" not in basket_page


def test_webhook_while_stripe_is_down_answers_503_records_nothing_and_works_when_redelivered(
    client, stripe_double, product
):
    _paid_then_stripe_down(client, stripe_double, product)
    completed = events_of(stripe_double, "checkout.session.completed")[0]

    response = deliver(client, stripe_double, completed)

    assert response.status_code == 503
    assert StripeEvent.objects.count() == 0 and Order.objects.count() == 0
    stripe_double.start()
    assert deliver(client, stripe_double, completed).status_code == 200
    assert Order.objects.get().status == "Paid"


def test_beat_sweeps_unconfirmed_payments_every_minute_or_two(settings):
    from marketplace.celery import app

    entries = [
        e
        for e in settings.CELERY_BEAT_SCHEDULE.values()
        if e["task"] == "payments.checkout_payments_unconfirmed_settle"
    ]

    assert len(entries) == 1 and entries[0]["schedule"] <= 120
    app.loader.import_default_modules()
    assert "payments.checkout_payments_unconfirmed_settle" in app.tasks

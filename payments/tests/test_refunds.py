"""Staff refund a card-paid order from the dashboard: the refund reaches Stripe, becomes a payment event."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from oscar.core.loading import get_model

from payments.gateway import stripe_api

from .conftest import checkout_to_preview, place_order, return_from_stripe, session_id_from

Order = get_model("order", "Order")
PaymentEvent = get_model("order", "PaymentEvent")

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid_order(client, stripe_double, product):
    checkout_to_preview(client, product=product)  # 250.00 + 59.00 delivery
    session_id = session_id_from(place_order(client))
    stripe_double.pay(session_id)
    return_from_stripe(client, stripe_double, session_id)
    return Order.objects.get()


@pytest.fixture
def staff_client(client):
    staff = get_user_model().objects.create_superuser("staff", "staff@example.dk", "pw")
    client.force_login(staff)
    return client


def _refund_url(order):
    return f"/en/dashboard/payments/orders/{order.number}/refund/"


def test_partial_refund_from_the_dashboard_reaches_stripe_and_is_a_payment_event(
    staff_client, stripe_double, paid_order
):
    detail = staff_client.get(f"/en/dashboard/orders/{paid_order.number}/").content.decode()
    assert _refund_url(paid_order) in detail
    form = staff_client.get(_refund_url(paid_order)).context["form"]

    response = staff_client.post(
        _refund_url(paid_order),
        {"amount": "100.00", "reason": "Knust flaske", "token": form["token"].value()},
    )

    assert response.status_code == 302
    refunds = stripe_double.all("refund")
    assert [(r["amount"], r["payment_intent"]) for r in refunds] == [
        (10000, paid_order.sources.get().reference)
    ]
    refund_request = [r for r in stripe_double.requests if r["path"] == "/v1/refunds"][0]
    assert refund_request["idempotency_key"]
    event = PaymentEvent.objects.get(order=paid_order, event_type__name="Refunded")
    assert (event.amount, event.reference) == (Decimal("100.00"), refunds[0]["id"])
    assert paid_order.sources.get().amount_refunded == Decimal("100.00")
    detail = staff_client.get(f"/en/dashboard/orders/{paid_order.number}/").content.decode()
    assert refunds[0]["id"] in detail


def test_double_submitted_refund_form_refunds_once(staff_client, stripe_double, paid_order):
    token = staff_client.get(_refund_url(paid_order)).context["form"]["token"].value()
    data = {"amount": "309.00", "reason": "", "token": token}

    staff_client.post(_refund_url(paid_order), data)
    second = staff_client.post(_refund_url(paid_order), data)

    assert len(stripe_double.all("refund")) == 1
    assert PaymentEvent.objects.filter(order=paid_order, event_type__name="Refunded").count() == 1
    assert second.status_code == 200  # shown the form again: nothing left to refund


def test_refund_above_what_is_left_is_refused_with_a_reason(staff_client, stripe_double, paid_order):
    token = staff_client.get(_refund_url(paid_order)).context["form"]["token"].value()

    response = staff_client.post(_refund_url(paid_order), {"amount": "309.01", "token": token})

    assert response.status_code == 200
    assert "At most 309,00 kr. can still be refunded." in response.content.decode()
    assert stripe_double.all("refund") == []


def test_refund_stripe_refuses_shows_stripes_reason_and_records_nothing(
    staff_client, stripe_double, paid_order
):
    # Refunded in Stripe's own dashboard; its webhook has not arrived, so the shop still offers 309 kr.
    stripe_api().Refund.create(payment_intent=paid_order.sources.get().reference, idempotency_key="outside")
    charge_id = stripe_double.all("refund")[0]["charge"]
    token = staff_client.get(_refund_url(paid_order)).context["form"]["token"].value()

    response = staff_client.post(_refund_url(paid_order), {"amount": "10.00", "token": token})

    assert response.status_code == 200
    assert f"Charge {charge_id} has already been refunded." in response.content.decode()
    assert not PaymentEvent.objects.filter(order=paid_order, event_type__name="Refunded").exists()
    assert paid_order.sources.get().amount_refunded == Decimal("0.00")


def test_only_staff_may_refund(client, stripe_double, paid_order):
    customer = get_user_model().objects.create_user("buyer", "buyer@example.dk", "pw")
    client.force_login(customer)

    response = client.post(_refund_url(paid_order), {"amount": "10.00", "token": "x"})

    assert response.status_code == 403
    assert stripe_double.all("refund") == []

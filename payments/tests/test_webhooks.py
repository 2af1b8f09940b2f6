"""The webhook endpoint trusts only correctly signed, fresh events and handles each event once."""

import time
from decimal import Decimal

import pytest
from oscar.core.loading import get_model

from payments.gateway import stripe_api
from payments.models import StripeEvent
from stripe_double import sign_payload

from .conftest import (
    checkout_to_preview,
    deliver,
    events_of,
    place_order,
    return_from_stripe,
    session_id_from,
)

Order = get_model("order", "Order")
PaymentEvent = get_model("order", "PaymentEvent")

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid_session(client, stripe_double, product):
    """A paid Checkout Session whose webhooks have not been delivered yet."""
    checkout_to_preview(client, product=product)
    session_id = session_id_from(place_order(client))
    stripe_double.pay(session_id)
    return session_id


def _completed_event(double):
    return events_of(double, "checkout.session.completed")[0]


def test_forged_signature_is_rejected_and_changes_nothing(client, stripe_double, paid_session):
    payload, _signature = stripe_double.signed(_completed_event(stripe_double))
    forged = sign_payload(payload, "whsec_not_the_endpoint_secret")

    response = client.post(
        "/payments/stripe/webhook/",
        data=payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=forged,
    )

    assert response.status_code == 400
    assert Order.objects.count() == 0
    assert StripeEvent.objects.count() == 0


def test_unsigned_event_is_rejected(client, stripe_double, paid_session):
    payload, _signature = stripe_double.signed(_completed_event(stripe_double))

    response = client.post("/payments/stripe/webhook/", data=payload, content_type="application/json")

    assert response.status_code == 400
    assert Order.objects.count() == 0


def test_stale_event_is_rejected(client, stripe_double, paid_session):
    ten_minutes_ago = int(time.time()) - 600

    response = deliver(client, stripe_double, _completed_event(stripe_double), timestamp=ten_minutes_ago)

    assert response.status_code == 400
    assert Order.objects.count() == 0
    assert StripeEvent.objects.count() == 0


def test_tampered_body_is_rejected(client, stripe_double, paid_session):
    event = _completed_event(stripe_double)
    payload, signature = stripe_double.signed(event)
    tampered = payload.replace(str(event["data"]["object"]["amount_total"]), "1")

    response = client.post(
        "/payments/stripe/webhook/",
        data=tampered,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=signature,
    )

    assert response.status_code == 400
    assert Order.objects.count() == 0


def test_signed_completed_event_places_the_order(client, stripe_double, paid_session):
    response = deliver(client, stripe_double, _completed_event(stripe_double))

    assert response.status_code == 200
    assert Order.objects.get().status == "Paid"


def test_same_refund_event_twice_records_one_refund(client, stripe_double, paid_session):
    return_from_stripe(client, stripe_double, paid_session)
    order = Order.objects.get()
    intent = stripe_double.objects["checkout.session"][paid_session]["payment_intent"]
    # A refund made outside the shop (e.g. in Stripe's own dashboard).
    stripe_api().Refund.create(payment_intent=intent, amount=5000, idempotency_key="outside-refund")
    refund_event = events_of(stripe_double, "refund.created")[0]

    first = deliver(client, stripe_double, refund_event)
    second = deliver(client, stripe_double, refund_event)

    assert first.status_code == second.status_code == 200
    assert second.content == b"already processed"
    refunds = PaymentEvent.objects.filter(order=order, event_type__name="Refunded")
    refund_id = refund_event["data"]["object"]["id"]
    assert [(e.amount, e.reference) for e in refunds] == [(Decimal("50.00"), refund_id)]
    assert order.sources.get().amount_refunded == Decimal("50.00")
    assert StripeEvent.objects.filter(event_id=refund_event["id"]).count() == 1


def test_every_event_of_a_payment_delivered_twice_gives_one_order(client, stripe_double, paid_session):
    for event in stripe_double.events * 2:
        assert deliver(client, stripe_double, event).status_code == 200

    assert Order.objects.count() == 1
    assert StripeEvent.objects.count() == len(stripe_double.events)


def _post_signed_body(client, stripe_double, payload: str):
    signature = sign_payload(payload, stripe_double.webhook_secret)
    return client.post(
        "/payments/stripe/webhook/",
        data=payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=signature,
    )


@pytest.mark.parametrize(
    "payload",
    [
        "[]",
        '[{"id": "evt_1", "type": "checkout.session.completed"}]',
        "{}",
        '{"id": "evt_1", "type": "checkout.session.completed"}',
        '{"id": "evt_1", "type": "checkout.session.completed", "data": {}}',
        '{"id": "evt_1", "type": "checkout.session.completed", "data": {"object": []}}',
        '{"id": "evt_1", "type": "checkout.session.completed", "data": []}',
        '{"type": "checkout.session.completed", "data": {"object": {}}}',
        '"event"',
        "null",
    ],
    ids=[
        "empty-array",
        "array-of-events",
        "empty-object",
        "no-data",
        "no-data-object",
        "object-is-array",
        "data-is-array",
        "no-id",
        "string",
        "null",
    ],
)
def test_signed_body_that_is_not_a_stripe_event_is_refused_and_nothing_recorded(
    client, stripe_double, paid_session, payload
):
    response = _post_signed_body(client, stripe_double, payload)

    assert response.status_code == 400
    assert StripeEvent.objects.count() == 0
    assert Order.objects.count() == 0


def test_signed_event_whose_object_lacks_its_fields_is_refused_and_not_recorded(
    client, stripe_double, paid_session
):
    payload = '{"id": "evt_hollow", "type": "checkout.session.completed", "data": {"object": {}}}'

    response = _post_signed_body(client, stripe_double, payload)

    assert response.status_code == 400
    assert StripeEvent.objects.count() == 0
    # The real event is still handled afterwards: the refusal recorded nothing.
    assert deliver(client, stripe_double, _completed_event(stripe_double)).status_code == 200
    assert Order.objects.get().status == "Paid"

"""What a card payment leaves in Oscar's books: one "Paid" event over every line, one "Refunded" per refund.

The dashboard's order page, the vendors' payouts and their reversal all read these rows.
"""

from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import translation
from oscar.core.loading import get_model

from fulfilment.models import OrderSplitState
from payments.gateway import stripe_api
from payments.models import CheckoutPayment
from payments.services import payment_refund_create

from .conftest import (
    checkout_to_preview,
    deliver,
    events_of,
    place_order,
    product_in_stock,
    return_from_stripe,
    session_id_from,
)

Order = get_model("order", "Order")
PaymentEvent = get_model("order", "PaymentEvent")
PaymentEventQuantity = get_model("order", "PaymentEventQuantity")

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid_two_line_order(client, stripe_double):
    """2 × Julekurv (250 kr.) + 1 × Honning (100 kr.) + 59 kr. delivery, paid on Stripe's page."""
    honey = product_in_stock(title="Honning", price_excl_vat="80.00")
    basket_kurv = product_in_stock(title="Julekurv Solhverv")
    with translation.override("en"):
        assert client.post(reverse("basket:add", kwargs={"pk": honey.pk}), {"quantity": 1}).status_code == 302
    checkout_to_preview(client, product=basket_kurv, quantity=2)
    session_id = session_id_from(place_order(client))
    assert stripe_double.pay(session_id) == "success"
    return_from_stripe(client, stripe_double, session_id)
    return Order.objects.get()


def _events(order):
    return [
        (
            e.event_type.name,
            e.amount,
            e.reference,
            e.shipping_event_id,
            sorted((q.line.title, q.quantity) for q in e.line_quantities.all()),
        )
        for e in PaymentEvent.objects.filter(order=order).order_by("pk")
    ]


def test_a_paid_order_has_one_paid_event_of_the_charge_over_every_line(paid_two_line_order):
    order = paid_two_line_order
    payment = CheckoutPayment.objects.get(order=order)

    assert order.status == "Paid"
    assert order.total_incl_tax == Decimal("659.00")
    assert payment.stripe_charge_id.startswith("ch_")
    assert _events(order) == [
        (
            "Paid",
            Decimal("659.00"),
            payment.stripe_charge_id,
            None,
            [("Honning", 1), ("Julekurv Solhverv", 2)],
        ),
    ]
    assert PaymentEventQuantity.objects.filter(event__order=order).count() == 2


def test_staff_and_stripe_dashboard_refunds_each_record_one_refunded_event_and_ask_for_reversal(
    client, stripe_double, paid_two_line_order
):
    order = paid_two_line_order
    payment = CheckoutPayment.objects.get(order=order)

    staff_refund = payment_refund_create(order=order, amount=Decimal("100.00"), token="t-1", reason="Knust")
    stripe_api().Refund.create(
        payment_intent=payment.stripe_payment_intent_id, amount=5000, idempotency_key="outside-refund"
    )
    dashboard_refund = events_of(stripe_double, "refund.created")[-1]
    assert deliver(client, stripe_double, dashboard_refund).status_code == 200

    assert _events(order) == [
        (
            "Paid",
            Decimal("659.00"),
            payment.stripe_charge_id,
            None,
            [("Honning", 1), ("Julekurv Solhverv", 2)],
        ),
        ("Refunded", Decimal("100.00"), staff_refund.reference, None, []),
        ("Refunded", Decimal("50.00"), dashboard_refund["data"]["object"]["id"], None, []),
    ]
    assert staff_refund.reference.startswith("re_")
    assert order.sources.get().amount_refunded == Decimal("150.00")
    # fulfilment hears every recorded refund (post_save of the payment event): the vendors' reversal is due.
    assert OrderSplitState.objects.get(order=order).refund_reversal_requested_at is not None

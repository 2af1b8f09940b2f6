"""Our webhook endpoint fails at first; Stripe's (the double's) redeliveries still place the order, once."""

import pytest
from django.core import mail
from oscar.core.loading import get_model

from payments import views as payment_views

from .conftest import checkout_to_preview, place_order, session_id_from

Order = get_model("order", "Order")

pytestmark = pytest.mark.django_db(transaction=True)


def test_paid_order_is_placed_once_by_redelivered_webhooks_after_the_endpoint_answered_500(
    live_server, client, stripe_double, product, monkeypatch
):
    failed_once = set()
    real_process = payment_views.stripe_event_process

    def process_failing_at_first(*, event):
        if event.id not in failed_once:  # e.g. a deploy in progress: every first delivery gets a 500
            failed_once.add(event.id)
            raise RuntimeError("endpoint down")
        return real_process(event=event)

    monkeypatch.setattr(payment_views, "stripe_event_process", process_failing_at_first)
    stripe_double.webhook_url = f"{live_server.url}/payments/stripe/webhook/"
    checkout_to_preview(client, product=product)
    session_id = session_id_from(place_order(client))

    stripe_double.pay(session_id)  # the buyer pays and closes the tab: no return to the shop
    stripe_double.wait_for_webhooks(15)

    first_attempts = [d for d in stripe_double.deliveries if d["attempt"] == 1]
    assert first_attempts and {d["status"] for d in first_attempts} == {500}
    last_status = {}
    for delivery in stripe_double.deliveries:
        last_status[delivery["event"]] = delivery["status"]
    assert set(last_status.values()) == {200}, stripe_double.deliveries
    order = Order.objects.get()
    assert order.status == "Paid"
    assert [m.to for m in mail.outbox] == [["guest@example.dk"]]

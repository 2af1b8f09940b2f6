"""Pick lists and payouts whose task was lost (worker killed, broker down): the beat sweep does them once."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from oscar.core.loading import get_model

from fulfilment import services
from fulfilment.emails import PICK_LISTS_EVENT
from fulfilment.models import OrderSplitState, VendorOrder
from fulfilment.tasks import follow_ups_sweep_task
from fulfilment.tests.factories import place_order
from fulfilment.tests.test_payouts import BASKET, _connect, _pay_by_card

CommunicationEvent = get_model("order", "CommunicationEvent")
VENDORS = ("havefolket", "ristet-ro", "skovbrynet", "verdensbutikken")
NOTHING = {"pick_lists": [], "payouts": [], "refund_reversals": [], "failed": []}


def _split_with_follow_ups_lost(order):
    """The split commits, its pick-list and payout tasks never run (inside the test transaction
    on_commit never fires: the same state a worker killed mid-task leaves behind)."""
    services.order_split(order_id=order.pk)
    assert not CommunicationEvent.objects.filter(order=order).exists()


def _overdue(order):
    OrderSplitState.objects.filter(order=order).update(split_at=timezone.now() - timedelta(minutes=10))


@pytest.mark.django_db
def test_sweep_sends_lost_pick_lists_and_payouts_of_a_paid_order_once(demo_vendors, stripe_double, settings):
    settings.FULFILMENT_SPLIT_SWEEP_AFTER_SECONDS = 300
    for code in VENDORS:
        _connect(stripe_double, code)
    order = place_order(baskets=[("kurv", BASKET)])
    _pay_by_card(order)
    _split_with_follow_ups_lost(order)

    # within the grace period the sweep leaves the tasks their chance
    assert follow_ups_sweep_task.delay().get() == NOTHING
    assert mail.outbox == [] and stripe_double.all("transfer") == []

    _overdue(order)
    result = follow_ups_sweep_task.delay().get()

    assert result == {**NOTHING, "pick_lists": [order.number], "payouts": [order.number]}
    assert CommunicationEvent.objects.filter(order=order, event_type__code=PICK_LISTS_EVENT).count() == 1
    vendor_orders = VendorOrder.objects.filter(order=order)
    assert {vo.payout_state for vo in vendor_orders} == {VendorOrder.PayoutState.SENT}
    transfers = stripe_double.all("transfer")
    assert sorted(t["metadata"]["vendor_order"] for t in transfers) == sorted(
        str(vo.pk) for vo in vendor_orders
    )
    sent = len(mail.outbox)
    assert sent >= len(vendor_orders)  # one pick list per vendor, plus the hub's assembly plan

    # a second sweep (or the lost task arriving late) does nothing twice
    assert follow_ups_sweep_task.delay().get() == NOTHING
    services.order_payouts_release_if_paid(order=order)
    assert len(mail.outbox) == sent
    assert len(stripe_double.all("transfer")) == len(transfers)


@pytest.mark.django_db
def test_sweep_sends_the_pick_lists_of_an_unpaid_invoice_order_but_no_payout(demo_vendors, stripe_double):
    for code in VENDORS:
        _connect(stripe_double, code)
    order = place_order(baskets=[("kurv", BASKET)])
    _split_with_follow_ups_lost(order)
    _overdue(order)

    result = follow_ups_sweep_task.delay().get()

    assert result == {**NOTHING, "pick_lists": [order.number]}
    assert stripe_double.all("transfer") == []
    assert {vo.payout_state for vo in VendorOrder.objects.filter(order=order)} == {
        VendorOrder.PayoutState.PENDING
    }


def test_beat_runs_the_follow_up_sweep_and_celery_requeues_tasks_of_a_killed_worker(settings):
    from marketplace.celery import app

    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "fulfilment.follow_ups_sweep" in tasks
    assert app.conf.task_acks_late and app.conf.task_reject_on_worker_lost
    # Longer than the longest task and the longest retry countdown (Celery's backoff cap is 600 s),
    # much shorter than Redis's default hour.
    visibility = app.conf.broker_transport_options["visibility_timeout"]
    assert max(app.conf.task_time_limit, 600) < visibility <= 900


@pytest.mark.django_db
def test_refund_reversal_lost_with_the_broker_is_redone_by_the_sweep_once(
    demo_vendors, stripe_double, settings, django_capture_on_commit_callbacks
):
    """A card refund while Redis is down: the refund stands, the vendors' share comes back later."""
    from conftest import celery_broker_unreachable
    from payments.services import payment_refund_create

    settings.FULFILMENT_SPLIT_SWEEP_AFTER_SECONDS = 0
    for code in VENDORS:
        _connect(stripe_double, code)
    order = place_order(baskets=[("kurv", BASKET)])
    _pay_by_card(order)
    services.order_split(order_id=order.pk)
    services.order_payouts_release(order=order)

    with celery_broker_unreachable(), django_capture_on_commit_callbacks(execute=True):
        payment_refund_create(order=order, amount=order.total_incl_tax, token="refund-all")

    assert not any(t["amount_reversed"] for t in stripe_double.all("transfer"))  # the task never ran
    assert OrderSplitState.objects.get(order=order).refund_reversal_requested_at is not None

    result = follow_ups_sweep_task.delay().get()
    again = follow_ups_sweep_task.delay().get()

    assert result["refund_reversals"] == [order.number] and again["refund_reversals"] == []
    assert all(t["reversed"] for t in stripe_double.all("transfer"))
    assert set(VendorOrder.objects.filter(order=order).values_list("payout_state", flat=True)) == {"reversed"}
    assert OrderSplitState.objects.get(order=order).refund_reversal_requested_at is None

"""Real prefork workers SIGKILLed during the split's follow-ups: each is done exactly once (17.4).

A worker child killed mid-task: Celery puts the message back (acks_late, reject_on_worker_lost)
and a new child runs it again. A whole worker killed: the message stays unacknowledged in Redis
until the visibility timeout, and the beat sweep `fulfilment.follow_ups_sweep` does the work.
"""

import os
import signal
import time

import pytest
from django.db import transaction
from oscar.core.loading import get_model

from fulfilment.emails import PICK_LISTS_EVENT
from fulfilment.models import VendorOrder
from fulfilment.tests.factories import place_order
from fulfilment.tests.test_follow_ups_sweep import VENDORS
from fulfilment.tests.test_payouts import BASKET, _connect, _pay_by_card
from fulfilment.tests.workers import child_pids, parent_pid, pid_of_tcp_client, wait_until

CommunicationEvent = get_model("order", "CommunicationEvent")


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_worker_child_killed_while_sending_pick_lists_sends_them_once_after_redelivery(
    demo_vendors, prefork_workers
):
    worker = prefork_workers.start(hang_mail=True)
    mail_dir = prefork_workers.mail_dir
    # given: an order whose split (and so its pick-list task) runs in the real worker
    order = place_order(baskets=[("kurv", BASKET)])

    # when: the worker's child process is SIGKILLed in the middle of sending the pick lists
    marker = mail_dir / "sending.pid"
    wait_until(marker.exists, seconds=60, what="the pick-list task to start sending")
    time.sleep(0.2)
    os.kill(int(marker.read_text()), signal.SIGKILL)

    # then: Celery puts the task back (reject_on_worker_lost), a new child sends each e-mail once
    wait_until(
        lambda: CommunicationEvent.objects.filter(order=order, event_type__code=PICK_LISTS_EVENT).exists(),
        seconds=90,
        what="the pick lists to be sent after the kill",
    )
    log = worker.log_text()
    assert "WorkerLostError" in log or "SIGKILL" in log, log[-3000:]
    vendors = VendorOrder.objects.filter(order=order).count()
    sent = [p for p in mail_dir.iterdir() if p.suffix == ".log"]
    messages = sum(p.read_text().count("\nSubject: ") + p.read_text().startswith("Subject: ") for p in sent)
    assert messages == vendors + 1  # one pick list per vendor and the hub's assembly plan, each once
    assert CommunicationEvent.objects.filter(order=order, event_type__code=PICK_LISTS_EVENT).count() == 1


# --- the payout task ------------------------------------------------------------------------


def _stripe_env(double) -> dict:
    """The worker processes talk to the test's Stripe double."""
    return {
        "STRIPE_API_BASE": double.url,
        "STRIPE_SECRET_KEY": "sk_test_double",
        "STRIPE_PUBLISHABLE_KEY": "pk_test_double",
        "STRIPE_WEBHOOK_SECRET": double.webhook_secret,
    }


def _card_paid_order(double):
    """A card-paid order of four vendors with ready Stripe accounts; the worker splits it after commit."""
    for code in VENDORS:
        _connect(double, code)
    with transaction.atomic():  # the split (on commit) finds the payment: its follow-up pays the vendors
        order = place_order(baskets=[("kurv", BASKET)])
        _pay_by_card(order)
    return order


def _kill_the_process_inside_the_transfer_call(hold, worker, *, whole_worker: bool) -> int:
    """The double has made the first transfer and withholds the answer: SIGKILL whoever waits for it."""
    wait_until(hold.held.is_set, seconds=60, what="the payout task to call Stripe's /v1/transfers")
    caller = pid_of_tcp_client(hold.requests[0]["client"][1])
    assert caller is not None and caller in child_pids(worker.pid), (caller, child_pids(worker.pid))
    if whole_worker:
        os.kill(worker.pid, signal.SIGKILL)
        worker.proc.wait(timeout=30)
    os.kill(caller, signal.SIGKILL)
    wait_until(lambda: _dead(caller), seconds=30, what=f"process {caller} to die")
    return caller


def _dead(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] in ("Z", "X")  # a zombie holds no sockets
    except OSError:
        return True


def _all_paid(order):
    vendor_orders = list(VendorOrder.objects.filter(order=order))
    if vendor_orders and all(vo.payout_state == VendorOrder.PayoutState.SENT for vo in vendor_orders):
        return vendor_orders
    return None


def _assert_each_vendor_paid_once(double, order, vendor_orders, hold):
    transfers = [t for t in double.all("transfer") if t["transfer_group"] == order.number]
    paid = sorted(t["metadata"]["vendor_order"] for t in transfers)
    assert paid == sorted(str(vo.pk) for vo in vendor_orders)
    by_id = {t["id"]: t for t in transfers}
    for vo in vendor_orders:
        assert by_id[vo.stripe_transfer_id]["amount"] == int(vo.payout_amount * 100)
        assert by_id[vo.stripe_transfer_id]["metadata"]["vendor_order"] == str(vo.pk)
    # The transfer the killed process was waiting for was asked again with the same key and replayed.
    key = hold.requests[0]["idempotency_key"]
    asked = [r for r in double.requests if r["idempotency_key"] == key]
    assert [r["replayed"] for r in asked] == [False, True]


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_worker_child_killed_inside_the_stripe_transfer_pays_each_vendor_once_after_redelivery(
    demo_vendors, stripe_double, prefork_workers
):
    worker = prefork_workers.start(hang_mail=False, env=_stripe_env(stripe_double))
    hold = stripe_double.hold("POST", "/v1/transfers")
    order = _card_paid_order(stripe_double)

    # when: Stripe makes the first transfer, its answer is lost, and the worker's child is SIGKILLed
    # while it waits inside Transfer.create
    killed = _kill_the_process_inside_the_transfer_call(hold, worker, whole_worker=False)
    killed_at = time.monotonic()

    # then: Celery puts the payout task back, a new child pays every vendor, the lost one by a replay
    vendor_orders = wait_until(lambda: _all_paid(order), seconds=60, what="every vendor to be paid")
    recovered_in = time.monotonic() - killed_at
    log = worker.log_text()
    assert "WorkerLostError" in log or "SIGKILL" in log, log[-3000:]
    assert worker.proc.poll() is None and killed not in child_pids(worker.pid)
    assert log.count("fulfilment.order_payouts_release[") >= 2  # received, and received again
    _assert_each_vendor_paid_once(stripe_double, order, vendor_orders, hold)
    assert recovered_in < 60
    assert CommunicationEvent.objects.filter(order=order, event_type__code=PICK_LISTS_EVENT).count() == 1


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_whole_worker_killed_inside_the_stripe_transfer_the_sweep_pays_each_vendor_once(
    demo_vendors, stripe_double, prefork_workers
):
    first = prefork_workers.start(hang_mail=False, env=_stripe_env(stripe_double))
    hold = stripe_double.hold("POST", "/v1/transfers")
    order = _card_paid_order(stripe_double)

    # when: worker and child are SIGKILLed while the child waits inside Transfer.create; the message
    # stays unacknowledged in Redis for the visibility timeout (15 min), so no redelivery helps
    killed = _kill_the_process_inside_the_transfer_call(hold, first, whole_worker=True)
    assert parent_pid(killed) != first.pid or _dead(killed)
    assert not _all_paid(order)
    # a new worker with beat, the sweep every 2 s for follow-ups overdue after 5 s (production: 120 s, 300 s)
    second = prefork_workers.start(
        hang_mail=False,
        sweep_every=2,
        env={**_stripe_env(stripe_double), "FULFILMENT_SPLIT_SWEEP_AFTER_SECONDS": "5"},
    )
    started_at = time.monotonic()

    # then: the sweep pays every vendor, the transfer made before the kill by a replay
    vendor_orders = wait_until(lambda: _all_paid(order), seconds=60, what="the sweep to pay every vendor")
    recovered_in = time.monotonic() - started_at
    log = second.log_text()
    assert "Follow-up sweep" in log and order.number in log, log[-3000:]
    assert "fulfilment.order_payouts_release[" not in log  # not the lost message: the sweep did it
    _assert_each_vendor_paid_once(stripe_double, order, vendor_orders, hold)
    assert recovered_in < 60

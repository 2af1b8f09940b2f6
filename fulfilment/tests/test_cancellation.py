"""Cancellation reaches everyone (13.6): vendor lines, stock, capacity, pick lists, transfers, refunds."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from oscar.core.loading import get_model

from fulfilment import selectors, services
from fulfilment.models import VendorOrder, VendorOrderLine
from fulfilment.tests.factories import place_order
from fulfilment.tests.test_payouts import _connect, _pay_by_card
from marketplace.money import ore_round
from supply.models import CapacityReservation

StockRecord = get_model("partner", "StockRecord")


def _monday():
    today = date.today()
    return today - timedelta(days=today.weekday()) + timedelta(days=7)


@pytest.fixture
def paid_order(demo_vendors, stripe_double):
    for code in ("havefolket", "ristet-ro", "skovbrynet", "verdensbutikken"):
        _connect(stripe_double, code)
    order = place_order(loose=[("RR-KAF-01", 7), ("HF-HON-01", 3)])
    _pay_by_card(order)
    services.order_split(order_id=order.pk)
    services.order_payouts_release(order=order)
    lines = {line.partner_sku: line for line in order.lines.all()}
    for line in lines.values():
        CapacityReservation.objects.create(
            stockrecord_id=line.stockrecord_id, week=_monday(), units=5, order=order
        )
    return order, lines


def _transfers(stripe_double):
    return {t["id"]: t for t in stripe_double.all("transfer")}


def _refunded_ore(stripe_double):
    return sum(r["amount"] for r in stripe_double.all("refund"))


@pytest.mark.django_db
def test_partial_cancellation_takes_the_units_off_one_vendor_and_reverses_and_refunds_to_the_ore(
    paid_order, stripe_double, django_capture_on_commit_callbacks
):
    order, lines = paid_order
    coffee = lines["RR-KAF-01"]
    record = StockRecord.objects.get(pk=coffee.stockrecord_id)
    allocated_before = record.num_allocated
    ristet = VendorOrder.objects.get(order=order, partner__code="ristet-ro")
    honey = VendorOrder.objects.get(order=order, partner__code="havefolket")
    payout_before = ristet.payout_amount

    with django_capture_on_commit_callbacks(execute=True):
        result = services.order_cancel(order=order, lines={coffee.pk: 3}, by="staff", reason="Budget cut")

    # then: 4 of 7 coffee units stay with Ristet Ro, 3 are cancelled
    rows = sorted(VendorOrderLine.objects.filter(line=coffee).values_list("status", "quantity"))
    assert rows == [("active", 4), ("cancelled", 3)]
    ristet.refresh_from_db()
    kept = ore_round(coffee.line_price_incl_tax * 4 / 7)
    assert ristet.status == VendorOrder.Status.NEW and ristet.subtotal_incl_tax == kept
    cancelled = coffee.line_price_incl_tax - kept
    assert result["amount_incl_tax"] == cancelled
    record.refresh_from_db()
    assert record.num_allocated == allocated_before - 3
    # the transfer falls by exactly the payout difference; the honey vendor keeps all of its transfer
    transfers = _transfers(stripe_double)
    assert transfers[ristet.stripe_transfer_id]["amount_reversed"] == services.amount_in_ore(
        payout_before - ristet.payout_amount
    )
    assert transfers[honey.stripe_transfer_id]["amount_reversed"] == 0
    assert _refunded_ore(stripe_double) == services.amount_in_ore(cancelled)
    # capacity of an offer that still delivers stays promised
    assert not CapacityReservation.objects.filter(order=order, status="released").exists()
    pick = selectors.vendor_order_pick_list(vendor_order=ristet)
    assert [(r.sku, r.quantity) for r in pick.rows] == [("RR-KAF-01", 4)]
    subjects = {(m.subject, tuple(m.to)) for m in mail.outbox}
    assert any("Ristet" in m.body or "RR-KAF-01" in m.body for m in mail.outbox)
    assert len(subjects) == 2  # Ristet Ro and the hub, nobody else
    # the numbers reconcile: what vendors keep + what was cancelled = the order lines
    live = sum((vo.subtotal_incl_tax for vo in VendorOrder.objects.filter(order=order)), Decimal(0))
    assert live + cancelled + order.shipping_incl_tax == order.total_incl_tax


@pytest.mark.django_db
def test_whole_cancellation_cancels_every_vendor_order_releases_stock_and_capacity_and_reverses_all(
    paid_order, stripe_double, django_capture_on_commit_callbacks
):
    order, lines = paid_order
    services.order_cancel(order=order, lines={lines["RR-KAF-01"].pk: 3}, by="staff", reason="First part")
    allocated = {
        pk: n
        for pk, n in StockRecord.objects.filter(
            pk__in=[line.stockrecord_id for line in lines.values()]
        ).values_list("pk", "num_allocated")
    }

    with django_capture_on_commit_callbacks(execute=True):
        services.order_cancel(order=order, by="staff", reason="Everything")

    vendor_orders = list(VendorOrder.objects.filter(order=order))
    assert {vo.status for vo in vendor_orders} == {VendorOrder.Status.CANCELLED}
    assert {vo.payout_state for vo in vendor_orders} == {VendorOrder.PayoutState.REVERSED}
    assert all(vo.subtotal_incl_tax == 0 and vo.payout_amount == 0 for vo in vendor_orders)
    assert not VendorOrderLine.objects.filter(line__order=order, status="active").exists()
    transfers = _transfers(stripe_double)
    assert all(
        transfers[vo.stripe_transfer_id]["amount_reversed"] == transfers[vo.stripe_transfer_id]["amount"]
        for vo in vendor_orders
    )
    for line in lines.values():
        left = 4 if line.partner_sku == "RR-KAF-01" else line.quantity
        assert (
            StockRecord.objects.get(pk=line.stockrecord_id).num_allocated
            == allocated[line.stockrecord_id] - left
        )
    assert set(CapacityReservation.objects.filter(order=order).values_list("status", flat=True)) == {
        "released"
    }
    items = sum(line.line_price_incl_tax for line in lines.values())
    assert _refunded_ore(stripe_double) == services.amount_in_ore(items)
    plan = selectors.order_assembly_plan(order=order)
    assert plan.loose == [] and plan.baskets == []
    order.refresh_from_db()
    assert order.status == "Cancelled"


@pytest.mark.django_db
def test_cancelling_units_a_vendor_has_packed_is_refused_and_nothing_changes(paid_order, stripe_double):
    order, lines = paid_order
    ristet = VendorOrder.objects.get(order=order, partner__code="ristet-ro")
    services.vendor_order_advance(vendor_order_id=ristet.pk, to_status=VendorOrder.Status.PACKED)

    with pytest.raises(services.CancellationError, match="giv leverandøren besked først"):
        services.order_cancel(order=order, by="staff", reason="Too late")

    assert not VendorOrderLine.objects.filter(line__order=order).exclude(status="active").exists()
    assert stripe_double.all("refund") == []
    with pytest.raises(services.CancellationError):
        services.order_cancel(order=order, lines={lines["HF-HON-01"].pk: 4}, reason="More than there is")


@pytest.mark.django_db
def test_staff_cancel_the_whole_order_from_the_assembly_plan_with_a_reason(paid_order, client):
    from django.contrib.auth import get_user_model
    from django.urls import reverse

    order, _lines = paid_order
    url = reverse("fulfilment:assembly-plan", args=[order.number])
    staff = get_user_model().objects.filter(is_staff=True).first()
    client.force_login(staff)

    client.post(url, {"reason": ""})
    assert not VendorOrder.objects.filter(order=order, status="cancelled").exists()
    client.post(url, {"reason": "Buyer withdrew"})

    assert set(VendorOrder.objects.filter(order=order).values_list("status", flat=True)) == {"cancelled"}
    client.force_login(VendorOrder.objects.get(order=order, partner__code="ristet-ro").partner.users.get())
    assert client.post(url, {"reason": "mine"}).status_code == 403


@pytest.mark.django_db
def test_an_order_cancelled_before_its_split_gives_back_stock_and_is_never_split(demo_vendors):
    order = place_order(loose=[("RR-KAF-01", 2)])
    line = order.lines.get()
    record = StockRecord.objects.get(pk=line.stockrecord_id)
    allocated = record.num_allocated

    services.order_cancel(order=order, by="staff", reason="Duplicate")
    services.order_cancel(order=order, by="staff", reason="Duplicate")  # once only

    record.refresh_from_db()
    assert record.num_allocated == allocated - 2
    assert services.order_split(order_id=order.pk) == []
    assert not VendorOrder.objects.filter(order=order).exists()

"""The split: one vendor order per vendor, sums to the øre, idempotent, never lost."""

import threading
from datetime import timedelta
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from fulfilment import services
from fulfilment.models import OrderSplitState, VendorOrder
from fulfilment.tests.factories import place_order
from vendors.models import VendorProfile

THREE_VENDORS_BASKET = [
    ("HF-VIN-01", 1),  # Havefolket 189.00
    ("HF-HON-01", 1),  # Havefolket 85.00
    ("RR-KAF-01", 2),  # Ristet Ro 2 x 79.00
    ("SB-SMA-01", 1),  # Skovbrynet 95.00
]


def _split_now(order):
    return services.order_split(order_id=order.pk)


@pytest.mark.django_db
def test_order_from_three_vendors_and_hub_packaging_splits_into_four_vendor_orders_that_add_up_to_the_ore(
    demo_vendors,
):
    # given: an odd commission rate for one vendor so rounding matters
    VendorProfile.objects.filter(partner__code="ristet-ro").update(commission_rate=Decimal("0.1234"))
    order = place_order(baskets=[("kurv-1", THREE_VENDORS_BASKET), ("kurv-2", THREE_VENDORS_BASKET[:2])])

    # when
    vendor_orders = {vo.partner.code: vo for vo in _split_now(order)}

    # then
    assert set(vendor_orders) == {"havefolket", "ristet-ro", "skovbrynet", "verdensbutikken"}
    hub = vendor_orders["verdensbutikken"]
    assert hub.subtotal_incl_tax == Decimal("99.90")  # two packaging lines of 49.95 incl. VAT
    assert vendor_orders["havefolket"].subtotal_incl_tax == Decimal("548.00")
    assert vendor_orders["ristet-ro"].subtotal_incl_tax == Decimal("158.00")
    assert vendor_orders["ristet-ro"].commission_rate == Decimal("0.1234")
    assert vendor_orders["ristet-ro"].commission == Decimal("19.50")  # 158.00 x 0.1234 = 19.4972
    assert vendor_orders["havefolket"].commission == Decimal("82.20")  # platform default 15 %
    total = sum((vo.subtotal_incl_tax for vo in vendor_orders.values()), Decimal(0))
    assert total + order.shipping_incl_tax == order.total_incl_tax
    for vo in vendor_orders.values():
        assert vo.commission + vo.payout_amount == vo.subtotal_incl_tax
        assert vo.lines.count() == order.lines.filter(partner=vo.partner).count()
        assert vo.deliver_by == timezone.localtime(order.date_placed).date() + timedelta(days=3)
    state = OrderSplitState.objects.get(order=order)
    assert state.split_at is not None and state.last_error == ""


@pytest.mark.django_db
def test_placing_an_order_records_a_pending_split_and_enqueues_it_after_commit(
    demo_vendors, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        order = place_order(baskets=[("kurv", THREE_VENDORS_BASKET)])

    assert OrderSplitState.objects.get(order=order).split_at is None
    assert not VendorOrder.objects.filter(order=order).exists()

    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()

    assert VendorOrder.objects.filter(order=order).count() == 4
    assert OrderSplitState.objects.get(order=order).split_at is not None


@pytest.mark.django_db
def test_running_the_split_twice_creates_nothing_twice(demo_vendors):
    order = place_order(baskets=[("kurv", THREE_VENDORS_BASKET)])
    first = _split_now(order)

    second = _split_now(order)

    assert sorted(vo.pk for vo in first) == sorted(vo.pk for vo in second)
    assert VendorOrder.objects.filter(order=order).count() == 4
    assert VendorOrder.lines.through.objects.filter(vendororder__order=order).count() == order.lines.count()
    assert OrderSplitState.objects.get(order=order).attempts == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_splits_create_each_vendor_order_once(demo_vendors):
    order = place_order(baskets=[("kurv", THREE_VENDORS_BASKET)])
    VendorOrder.objects.filter(order=order).delete()  # undo the eager split done at commit
    OrderSplitState.objects.filter(order=order).update(split_at=None, attempts=0)
    start = threading.Barrier(4)
    errors = []

    def split():
        try:
            start.wait()
            services.order_split(order_id=order.pk)
        except Exception as exc:  # noqa: BLE001 - collected and asserted below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=split) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    assert errors == []
    assert VendorOrder.objects.filter(order=order).count() == 4
    assert VendorOrder.lines.through.objects.filter(vendororder__order=order).count() == order.lines.count()
    assert OrderSplitState.objects.get(order=order).attempts == 1


@pytest.mark.django_db(transaction=True)
def test_order_placed_while_the_broker_is_unreachable_is_placed_and_split_by_the_sweep(
    demo_vendors, settings
):
    from marketplace.celery import app

    def fresh_pools():
        app._pool = None
        app.amqp._producer_pool = None

    old = (app.conf.broker_url, app.conf.task_always_eager)
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    app.conf.task_always_eager = False
    fresh_pools()
    try:
        order = place_order(baskets=[("kurv", THREE_VENDORS_BASKET)])
    finally:
        app.conf.broker_url, app.conf.task_always_eager = old
        fresh_pools()

    state = OrderSplitState.objects.get(order=order)
    assert state.split_at is None
    assert "enqueue failed" in state.last_error
    assert not VendorOrder.objects.filter(order=order).exists()

    # the sweep leaves orders younger than its grace period alone...
    settings.FULFILMENT_SPLIT_SWEEP_AFTER_SECONDS = 300
    from fulfilment.tasks import orders_split_sweep_task

    assert orders_split_sweep_task.delay().get() == {"split": [], "failed": []}

    # ...and splits them once they are older
    OrderSplitState.objects.filter(order=order).update(created_at=timezone.now() - timedelta(minutes=10))
    type(order).objects.filter(pk=order.pk).update(date_placed=timezone.now() - timedelta(minutes=10))
    result = orders_split_sweep_task.delay().get()

    assert result == {"split": [order.number], "failed": []}
    assert VendorOrder.objects.filter(order=order).count() == 4
    assert OrderSplitState.objects.get(order=order).split_at is not None


@pytest.mark.django_db
def test_split_orders_command_splits_pending_orders_or_one_by_number(demo_vendors):
    first = place_order(baskets=[("a", THREE_VENDORS_BASKET)])
    second = place_order(baskets=[("b", THREE_VENDORS_BASKET[:1])])
    assert not VendorOrder.objects.exists()  # on_commit never ran inside the test transaction

    out = StringIO()
    call_command("split_orders", "--order", second.number, stdout=out)
    assert f"Order {second.number}: 2 vendor orders" in out.getvalue()
    assert not VendorOrder.objects.filter(order=first).exists()

    out = StringIO()
    call_command("split_orders", stdout=out)
    assert f"Split 1 orders: {first.number}" in out.getvalue()
    assert VendorOrder.objects.filter(order=first).count() == 4


@pytest.mark.django_db
def test_split_query_count_does_not_grow_with_the_number_of_gift_baskets(demo_vendors):
    small = place_order(baskets=[(f"s{i}", THREE_VENDORS_BASKET) for i in range(2)])
    large = place_order(baskets=[(f"l{i}", THREE_VENDORS_BASKET) for i in range(12)])

    with CaptureQueriesContext(connection) as small_queries:
        _split_now(small)
    with CaptureQueriesContext(connection) as large_queries:
        _split_now(large)

    assert large.lines.count() == 6 * small.lines.count()
    assert len(large_queries) == len(small_queries)
    assert len(large_queries) <= 15


def test_beat_runs_the_split_sweep_and_the_held_payout_recheck(settings):
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}

    assert {"fulfilment.orders_split_sweep", "fulfilment.payouts_held_release"} <= tasks


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_split_runs_in_a_real_celery_worker_on_redis(demo_vendors, celery_real):
    # given: the order is placed and committed; the on_commit hook sends the task to Redis
    order = place_order(baskets=[("kurv", THREE_VENDORS_BASKET)])

    # then: the separate worker process splits it
    from fulfilment.tasks import order_split_task

    result = order_split_task.apply_async(args=[order.pk])
    vendor_order_ids = result.get(timeout=30)

    assert len(vendor_order_ids) == 4
    assert VendorOrder.objects.filter(order=order).count() == 4
    assert OrderSplitState.objects.get(order=order).attempts == 1
    celery_real["log"].seek(0)
    assert "fulfilment.order_split" in celery_real["log"].read()


@pytest.mark.django_db
def test_bulk_order_vendors_deliver_to_the_hub_two_days_before_the_requested_delivery_date(demo_vendors):
    from procurement.models import BulkOrder, Organisation, OrganisationLocation

    # given: a municipal bulk order wanted three weeks from now
    order = place_order(baskets=[("kurv", THREE_VENDORS_BASKET)])
    wanted = timezone.localdate() + timedelta(days=21)
    organisation = Organisation.objects.create(
        name="Eksempel Kommune",
        slug="eksempel",
        cvr="29189854",
        street="Rådhuspladsen 2",
        postcode="8000",
        city="Aarhus C",
    )
    location = OrganisationLocation.objects.create(
        organisation=organisation, ean="5798000000001", unit_name="HR"
    )
    BulkOrder.objects.create(
        organisation=organisation,
        status=BulkOrder.Status.PLACED,
        location=location,
        po_number="PO-1",
        person_reference="ANJE",
        requested_delivery_date=wanted,
        basket_count=1,
        total_excl_tax=order.total_excl_tax,
        total_tax=order.total_tax,
        total_incl_tax=order.total_incl_tax,
        order=order,
    )
    # procurement hands the date over when it places the order (procurement.services._bulk_order_place)
    services.order_delivery_date_request(order=order, requested_delivery_date=wanted)

    vendor_orders = services.order_split(order_id=order.pk)

    assert {vo.deliver_by for vo in vendor_orders} == {wanted - timedelta(days=2)}

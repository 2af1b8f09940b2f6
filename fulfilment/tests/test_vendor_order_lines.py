"""Vendor-order lines: the split makes one per order line; money follows the active units to the øre."""

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from fulfilment import selectors, services
from fulfilment.models import VendorOrder, VendorOrderLine
from fulfilment.tests.factories import place_order
from marketplace.money import ore_round
from vendors.models import VendorProfile


def test_parts_of_a_line_add_up_to_the_line_price_with_awkward_quantities():
    assert services.line_part_amounts(
        line_price=Decimal("100.00"), line_quantity=7, quantities=[1, 2, 4]
    ) == [Decimal("14.29"), Decimal("28.57"), Decimal("57.14")]
    assert services.line_part_amounts(line_price=Decimal("0.10"), line_quantity=3, quantities=[3]) == [
        Decimal("0.10")
    ]
    parts = services.line_part_amounts(line_price=Decimal("1234.57"), line_quantity=13, quantities=[5, 5, 3])
    assert sum(parts) == Decimal("1234.57")


@pytest.mark.django_db
def test_split_makes_one_active_vendor_order_line_per_order_line_with_all_its_units(demo_vendors):
    order = place_order(baskets=[("kurv-1", [("HF-VIN-01", 3), ("RR-KAF-01", 7)])], packaging=False)

    services.order_split(order_id=order.pk)

    rows = {
        (r.vendor_order.partner.code, r.line.partner_sku): (r.quantity, r.status, r.stockrecord_id)
        for r in VendorOrderLine.objects.select_related("vendor_order__partner", "line")
    }
    lines = {line.partner_sku: line for line in order.lines.all()}
    assert rows == {
        ("havefolket", "HF-VIN-01"): (3, "active", lines["HF-VIN-01"].stockrecord_id),
        ("ristet-ro", "RR-KAF-01"): (7, "active", lines["RR-KAF-01"].stockrecord_id),
    }


@pytest.mark.django_db
def test_payouts_and_pick_lists_follow_the_active_units_and_reconcile_to_the_ore(demo_vendors):
    # given: an odd commission rate and 7 units of which 3 are cancelled on the vendor side
    VendorProfile.objects.filter(partner__code="ristet-ro").update(commission_rate=Decimal("0.1234"))
    order = place_order(loose=[("RR-KAF-01", 7), ("HF-HON-01", 3)])
    services.order_split(order_id=order.pk)
    coffee = order.lines.get(partner_sku="RR-KAF-01")
    row = VendorOrderLine.objects.get(line=coffee)
    row.quantity = 4
    row.save()
    VendorOrderLine.objects.create(
        vendor_order=row.vendor_order, line=coffee, quantity=3, status=VendorOrderLine.Status.CANCELLED
    )

    # when
    services.vendor_orders_recompute(order_id=order.pk)

    # then: 4 of 7 units of the coffee line are paid, to the øre
    ristet = VendorOrder.objects.get(order=order, partner__code="ristet-ro")
    expected = ore_round(coffee.line_price_incl_tax * 4 / 7)
    assert ristet.subtotal_incl_tax == expected
    assert ristet.commission == ore_round(expected * Decimal("0.1234"))
    assert ristet.commission + ristet.payout_amount == ristet.subtotal_incl_tax
    cancelled = coffee.line_price_incl_tax - expected
    live = sum((vo.subtotal_incl_tax for vo in VendorOrder.objects.filter(order=order)), Decimal(0))
    assert live + cancelled + order.shipping_incl_tax == order.total_incl_tax
    pick = selectors.vendor_order_pick_list(vendor_order=ristet)
    assert [(r.sku, r.quantity, r.loose) for r in pick.rows] == [("RR-KAF-01", 4, 4)]
    plan = selectors.order_assembly_plan(order=order)
    assert sorted((i.vendor[:5], i.quantity) for i in plan.loose) == [("Havef", 3), ("Riste", 4)]


@pytest.mark.django_db
def test_the_database_refuses_zero_units_and_a_decline_without_reason(demo_vendors):
    order = place_order(loose=[("HF-HON-01", 1)])
    services.order_split(order_id=order.pk)
    row = VendorOrderLine.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        VendorOrderLine.objects.filter(pk=row.pk).update(quantity=0)
    with pytest.raises(IntegrityError), transaction.atomic():
        VendorOrderLine.objects.filter(pk=row.pk).update(status="declined", reason="")

"""A vendor declines units (issue 13.5): a reason is required, the units are re-sourced from another offer."""

from decimal import Decimal

import pytest
from oscar.core.loading import get_model

from fulfilment import selectors, services
from fulfilment.models import VendorOrder, VendorOrderLine
from fulfilment.tests.factories import place_order
from marketplace.money import ore_round

Partner = get_model("partner", "Partner")
StockRecord = get_model("partner", "StockRecord")


def _vendor_user(code):
    return Partner.objects.get(code=code).users.get()


@pytest.fixture
def honey_order(demo_vendors):
    """3 jars of Havefolket's honey; Skovbrynet offers the same product too."""
    order = place_order(loose=[("HF-HON-01", 3), ("RR-KAF-01", 1)])
    services.order_split(order_id=order.pk)
    line = order.lines.get(partner_sku="HF-HON-01")
    other = StockRecord.objects.create(
        partner=Partner.objects.get(code="skovbrynet"),
        product=line.product,
        partner_sku="SB-HON-99",
        price=Decimal("70.00"),
        num_in_stock=10,
    )
    return order, line, other


@pytest.mark.django_db
def test_declined_units_are_re_sourced_from_another_vendor_and_the_money_follows_to_the_ore(honey_order):
    order, line, other = honey_order
    havefolket = VendorOrder.objects.get(order=order, partner__code="havefolket")
    original = StockRecord.objects.get(pk=line.stockrecord_id)
    allocated = original.num_allocated

    result = services.vendor_order_decline(
        vendor_order_id=havefolket.pk,
        user=_vendor_user("havefolket"),
        lines={line.pk: 2},
        reason="Sick leave",
    )

    assert result == {"resourced": {line.pk: [(other.partner_id, 2)]}, "unsourced": {}}
    rows = sorted(
        VendorOrderLine.objects.filter(line=line).values_list(
            "vendor_order__partner__code", "status", "quantity", "reason"
        )
    )
    assert rows == [
        ("havefolket", "active", 1, ""),
        ("havefolket", "declined", 2, "Sick leave"),
        ("skovbrynet", "active", 2, ""),
    ]
    original.refresh_from_db()
    other.refresh_from_db()
    assert original.num_allocated == allocated - 2 and other.num_allocated == 2
    havefolket.refresh_from_db()
    skovbrynet = VendorOrder.objects.get(order=order, partner__code="skovbrynet")
    kept = ore_round(line.line_price_incl_tax / 3)
    assert havefolket.subtotal_incl_tax == kept
    assert skovbrynet.subtotal_incl_tax == line.line_price_incl_tax - kept  # paid the line's unit price
    assert skovbrynet.commission + skovbrynet.payout_amount == skovbrynet.subtotal_incl_tax
    live = sum((vo.subtotal_incl_tax for vo in VendorOrder.objects.filter(order=order)), Decimal(0))
    assert live + order.shipping_incl_tax == order.total_incl_tax
    pick = selectors.vendor_order_pick_list(vendor_order=skovbrynet)
    assert [(r.sku, r.quantity) for r in pick.rows] == [("SB-HON-99", 2)]
    assert [(r.sku, r.quantity) for r in selectors.vendor_order_pick_list(vendor_order=havefolket).rows] == [
        ("HF-HON-01", 1)
    ]


@pytest.mark.django_db
def test_decline_without_reason_or_by_another_vendor_is_refused_and_nothing_is_saved(honey_order):
    order, line, _other = honey_order
    havefolket = VendorOrder.objects.get(order=order, partner__code="havefolket")
    before = list(VendorOrderLine.objects.order_by("pk").values_list("pk", "status", "quantity"))

    with pytest.raises(services.DeclineError, match="begrundelse er påkrævet"):
        services.vendor_order_decline(
            vendor_order_id=havefolket.pk, user=_vendor_user("havefolket"), lines={line.pk: 2}, reason="  "
        )
    with pytest.raises(PermissionError):
        services.vendor_order_decline(
            vendor_order_id=havefolket.pk, user=_vendor_user("ristet-ro"), reason="Not mine"
        )
    with pytest.raises(services.DeclineError):
        services.vendor_order_decline(
            vendor_order_id=havefolket.pk,
            user=_vendor_user("havefolket"),
            lines={line.pk: 4},
            reason="Too many",
        )

    assert list(VendorOrderLine.objects.order_by("pk").values_list("pk", "status", "quantity")) == before
    assert not VendorOrder.objects.filter(order=order, partner__code="skovbrynet").exists()


@pytest.mark.django_db
def test_units_no_other_offer_can_supply_are_reported_unsourced(honey_order):
    order, _line, _other = honey_order
    coffee = order.lines.get(partner_sku="RR-KAF-01")
    ristet = VendorOrder.objects.get(order=order, partner__code="ristet-ro")

    result = services.vendor_order_decline(
        vendor_order_id=ristet.pk, user=_vendor_user("ristet-ro"), reason="Roaster broke"
    )

    assert result == {"resourced": {}, "unsourced": {coffee.pk: 1}}
    ristet.refresh_from_db()
    assert ristet.status == VendorOrder.Status.CANCELLED and ristet.subtotal_incl_tax == 0


@pytest.mark.django_db
def test_vendor_declines_from_its_dashboard_with_a_reason_and_another_vendor_gets_404(honey_order, client):
    from django.urls import reverse

    order, line, _other = honey_order
    havefolket = VendorOrder.objects.get(order=order, partner__code="havefolket")
    url = reverse("fulfilment:vendor-order-detail", args=[havefolket.pk])
    client.force_login(_user := _vendor_user("havefolket"))
    page = client.get(url)
    assert f'name="decline-{line.pk}"' in page.content.decode()

    refused = client.post(url, {"action": "decline", f"decline-{line.pk}": "2", "reason": ""}, follow=True)
    assert "begrundelse er påkrævet" in refused.content.decode()
    assert not VendorOrderLine.objects.filter(status="declined").exists()

    done = client.post(url, {"action": "decline", f"decline-{line.pk}": "2", "reason": "Syg"}, follow=True)
    assert VendorOrderLine.objects.get(status="declined").quantity == 2
    assert done.status_code == 200 and _user.is_active

    client.force_login(_vendor_user("ristet-ro"))
    response = client.post(url, {"action": "decline", f"decline-{line.pk}": "1", "reason": "x"})
    assert response.status_code == 404


def _capacity_offer(line, *, code="skovbrynet", stock=0, per_week=10, lead_days=0):
    from supply.services import capacity_set

    record = StockRecord.objects.create(
        partner=Partner.objects.get(code=code),
        product=line.product,
        partner_sku=f"{code[:2].upper()}-HON-CAP",
        price=Decimal("70.00"),
        num_in_stock=stock,
    )
    capacity_set(stockrecord=record, units_per_week=per_week, lead_time_days=lead_days)
    return record


@pytest.fixture
def honey_order_capacity_only(demo_vendors):
    """3 jars of Havefolket's honey, due in two weeks; Skovbrynet has no jar in stock but makes 10 a week."""
    from datetime import timedelta

    from django.utils import timezone

    order = place_order(loose=[("HF-HON-01", 3)])
    services.order_split(order_id=order.pk)
    VendorOrder.objects.filter(order=order).update(deliver_by=timezone.localdate() + timedelta(days=14))
    return order, order.lines.get(partner_sku="HF-HON-01")


@pytest.mark.django_db
def test_declined_units_are_made_from_another_vendors_capacity_ready_by_the_date(honey_order_capacity_only):
    from supply.models import CapacityReservation

    order, line = honey_order_capacity_only
    maker = _capacity_offer(line)
    havefolket = VendorOrder.objects.get(order=order, partner__code="havefolket")

    result = services.vendor_order_decline(
        vendor_order_id=havefolket.pk, user=_vendor_user("havefolket"), lines={line.pk: 2}, reason="Syg"
    )

    assert result == {"resourced": {line.pk: [(maker.partner_id, 2)]}, "unsourced": {}}
    maker.refresh_from_db()
    assert maker.num_allocated == 0  # made, not taken from stock
    promised = CapacityReservation.objects.get(stockrecord=maker)
    assert (promised.units, promised.order_id, promised.status) == (2, order.pk, "reserved")
    assert promised.reference.startswith(f"decline:{havefolket.pk}:")
    skovbrynet = VendorOrder.objects.get(order=order, partner__code="skovbrynet")
    pick = selectors.vendor_order_pick_list(vendor_order=skovbrynet)
    assert [(r.sku, r.quantity) for r in pick.rows] == [("SK-HON-CAP", 2)]
    live = sum((vo.subtotal_incl_tax for vo in VendorOrder.objects.filter(order=order)), Decimal(0))
    assert live + order.shipping_incl_tax == order.total_incl_tax


@pytest.mark.django_db
def test_capacity_not_ready_by_the_date_does_not_take_declined_units(honey_order_capacity_only):
    from supply.models import CapacityReservation

    order, line = honey_order_capacity_only
    _capacity_offer(line, lead_days=30)
    havefolket = VendorOrder.objects.get(order=order, partner__code="havefolket")

    result = services.vendor_order_decline(
        vendor_order_id=havefolket.pk, user=_vendor_user("havefolket"), lines={line.pk: 2}, reason="Syg"
    )

    assert result == {"resourced": {}, "unsourced": {line.pk: 2}}
    assert not CapacityReservation.objects.exists()
    assert not VendorOrder.objects.filter(order=order, partner__code="skovbrynet").exists()


@pytest.mark.django_db
def test_stock_of_one_vendor_and_capacity_of_another_share_the_declined_units(honey_order_capacity_only):
    order, line = honey_order_capacity_only
    maker = _capacity_offer(line)
    stocked = _capacity_offer(line, code="ristet-ro", stock=1, per_week=0)
    havefolket = VendorOrder.objects.get(order=order, partner__code="havefolket")

    result = services.vendor_order_decline(
        vendor_order_id=havefolket.pk, user=_vendor_user("havefolket"), reason="Syg"
    )

    assert sorted(result["resourced"][line.pk]) == sorted([(stocked.partner_id, 1), (maker.partner_id, 2)])
    stocked.refresh_from_db()
    assert stocked.num_allocated == 1
    havefolket.refresh_from_db()
    assert havefolket.status == VendorOrder.Status.CANCELLED

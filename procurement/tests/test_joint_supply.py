"""Joint supply of a bulk order: one item sourced across three enterprises, quoted, placed and split exactly.

Issue 13: the quote shows which enterprises supply how many; an order no single enterprise can
supply by the date is placed with one Oscar line per enterprise; an impossible date offers the
largest quantity and the earliest date instead of a refusal.
"""

import datetime
from decimal import Decimal
from html import escape

import pytest
from django.utils import timezone
from oscar.core.loading import get_model

from fulfilment.models import VendorOrder
from fulfilment.services import order_split
from procurement import services
from procurement.models import BulkOrder
from procurement.sourcing import bulk_sourcing
from procurement.tests.conftest import draft_for
from supply.models import CapacityReservation, OfferCapacity

Partner = get_model("partner", "Partner")
StockRecord = get_model("partner", "StockRecord")
Line = get_model("order", "Line")

pytestmark = pytest.mark.django_db

BASKETS = 500


@pytest.fixture
def jam_from_three(municipality):
    """The design's first item: 85 in stock at its own vendor, the rest only from two others' capacity."""
    m = municipality
    item = m.design.items.select_related("product").order_by("pk").first()
    product = item.product
    StockRecord.objects.exclude(product=product).update(num_in_stock=100_000, num_allocated=0)
    own = StockRecord.objects.filter(product=product).order_by("pk").first()
    StockRecord.objects.filter(product=product).exclude(pk=own.pk).delete()
    own.num_in_stock, own.num_allocated = 85, 0
    own.save()
    OfferCapacity.objects.filter(stockrecord=own).delete()
    others = (
        Partner.objects.exclude(pk=own.partner_id).filter(vendor_profile__is_hub=False).order_by("code")[:2]
    )
    offers = [own]
    for partner, per_week in zip(others, (200 * item.quantity, 300 * item.quantity), strict=True):
        record = StockRecord.objects.create(
            product=product,
            partner=partner,
            partner_sku=f"JOINT-{partner.code}",
            price=own.price + 3,
            num_in_stock=0,
        )
        OfferCapacity.objects.create(stockrecord=record, units_per_week=per_week, lead_time_days=0)
        offers.append(record)
    return m, item, offers


def _place(m, draft):
    bulk_order = services.bulk_order_create(
        organisation=m.organisation,
        user=m.buyer,
        draft=draft,
        location=m.location,
        po_number="PO-JOINT",
        person_reference="JUL",
    )
    if bulk_order.status == BulkOrder.Status.AWAITING_APPROVAL:
        bulk_order = services.bulk_order_approve(bulk_order=bulk_order, user=m.approver)
    bulk_order.refresh_from_db()
    return bulk_order


def test_500_baskets_are_sourced_across_three_enterprises_summing_exactly(jam_from_three):
    m, item, offers = jam_from_three
    draft = draft_for(design=m.design, count=BASKETS, days_ahead=21)
    needed = item.quantity * BASKETS

    sourcing = bulk_sourcing(
        design_counts=draft.design_counts, requested_delivery_date=draft.requested_delivery_date
    )
    jam = next(i for i in sourcing.items if i.product_id == item.product_id)
    assert sourcing.feasible and jam.shortfall == 0
    assert sum(s.units for s in jam.suppliers) == needed
    assert len(jam.suppliers) == 3 and {s.from_stock for s in jam.suppliers} >= {85}

    quote = services.bulk_quote(design_counts=draft.design_counts)
    bulk_order = _place(m, draft)
    order = bulk_order.order
    assert order is not None

    lines = list(Line.objects.filter(order=order, product=item.product))
    by_partner = {line.partner_id: line.quantity for line in lines}
    assert set(by_partner) == {o.partner_id for o in offers}
    assert sum(by_partner.values()) == needed
    # every offer within its stock plus its capacity
    own = StockRecord.objects.get(pk=offers[0].pk)
    assert own.num_allocated == 85  # the stock on hand only; the rest is promised capacity
    promised = CapacityReservation.objects.filter(order=order, status=CapacityReservation.Status.RESERVED)
    assert sum(promised.values_list("units", flat=True)) == needed - 85
    # one price for the item, whichever enterprise delivers; quote = order = bulk order, to the øre
    unit_prices = {line.unit_price_excl_tax for line in lines}
    assert len(unit_prices) == 1
    assert quote.total_incl_tax == bulk_order.total_incl_tax == order.total_incl_tax
    assert (
        quote.total_excl_tax
        == order.total_excl_tax
        == sum((line.line_price_excl_tax for line in Line.objects.filter(order=order)), Decimal("0"))
    )

    vendor_orders = order_split(order_id=order.pk)
    jam_vendors = {vo.partner_id for vo in vendor_orders if vo.lines.filter(product=item.product).exists()}
    assert jam_vendors == {o.partner_id for o in offers}
    assert VendorOrder.objects.filter(order=order).count() == len(vendor_orders)


def test_the_quote_page_shows_who_supplies_how_many(client, jam_from_three):
    m, item, offers = jam_from_three
    draft = draft_for(design=m.design, count=BASKETS, days_ahead=21)
    client.force_login(m.buyer)
    session = client.session
    session[f"procurement-draft-{m.organisation.pk}"] = draft.as_session()
    session.save()

    page = client.get(f"/da/kommune/{m.organisation.slug}/bestil/tilbud/").content.decode()

    assert "Hvem leverer din ordre" in page
    for record in offers:
        assert escape(record.partner.name) in page
    assert 'id="order-confirm"' in page


def test_an_impossible_date_offers_the_largest_quantity_and_the_earliest_date(client, jam_from_three):
    m, item, offers = jam_from_three
    OfferCapacity.objects.filter(stockrecord__in=offers).update(units_per_week=20 * item.quantity)
    draft = draft_for(design=m.design, count=BASKETS, days_ahead=14)
    client.force_login(m.buyer)
    session = client.session
    key = f"procurement-draft-{m.organisation.pk}"
    session[key] = draft.as_session()
    session.save()

    sourcing = bulk_sourcing(
        design_counts=draft.design_counts, requested_delivery_date=draft.requested_delivery_date
    )
    assert not sourcing.feasible
    assert 0 < sourcing.largest_baskets < BASKETS
    assert sourcing.earliest_delivery > draft.requested_delivery_date
    page = client.get(f"/da/kommune/{m.organisation.slug}/bestil/tilbud/").content.decode()
    assert f"{sourcing.largest_baskets} kurve er mulige" in page
    assert 'id="order-confirm"' not in page  # no "Place order" for what cannot be supplied
    with pytest.raises(services.ProcurementError):
        services.bulk_order_create(
            organisation=m.organisation,
            user=m.buyer,
            draft=draft,
            location=m.location,
            po_number="PO-X",
            person_reference="JUL",
        )
    assert not BulkOrder.objects.exists() and not CapacityReservation.objects.exists()

    # the buyer takes the largest quantity by the date
    client.post(f"/da/kommune/{m.organisation.slug}/bestil/tilbud/tilpas/", {"choice": "quantity"})
    fewer = services.BulkOrderDraft.from_session(client.session[key])
    assert sum(r.quantity for r in fewer.recipients) == sourcing.largest_baskets
    assert fewer.requested_delivery_date == draft.requested_delivery_date
    page = client.get(f"/da/kommune/{m.organisation.slug}/bestil/tilbud/").content.decode()
    assert 'id="order-confirm"' in page

    # or all of them at the earliest date: placeable
    session = client.session
    session[key] = draft.as_session()
    session.save()
    client.post(f"/da/kommune/{m.organisation.slug}/bestil/tilbud/tilpas/", {"choice": "date"})
    later = services.BulkOrderDraft.from_session(client.session[key])
    assert later.requested_delivery_date == sourcing.earliest_delivery
    assert len(later.recipients) == BASKETS
    bulk_order = _place(m, later)
    assert bulk_order.order is not None
    jam_units = sum(
        Line.objects.filter(order=bulk_order.order, product=item.product).values_list("quantity", flat=True)
    )
    assert jam_units == item.quantity * BASKETS


def test_withdrawing_an_order_awaiting_approval_gives_its_capacity_back(jam_from_three):
    m, item, offers = jam_from_three
    m.organisation.approval_limit = Decimal("1.00")
    m.organisation.save(update_fields=["approval_limit"])
    draft = draft_for(design=m.design, count=BASKETS, days_ahead=21)
    bulk_order = services.bulk_order_create(
        organisation=m.organisation,
        user=m.buyer,
        draft=draft,
        location=m.location,
        po_number="PO-W",
        person_reference="JUL",
    )
    assert bulk_order.status == BulkOrder.Status.AWAITING_APPROVAL
    held = CapacityReservation.objects.filter(reference=f"bulk-order:{bulk_order.pk}")
    assert held.filter(status=CapacityReservation.Status.RESERVED).exists()

    services.bulk_order_withdraw(bulk_order=bulk_order, user=m.buyer)

    assert not held.filter(status=CapacityReservation.Status.RESERVED).exists()
    assert timezone.localdate() <= draft.requested_delivery_date - datetime.timedelta(days=2)

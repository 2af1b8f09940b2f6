"""seed_demo's shared offers: 500 × "Den grønne madkurv" needs two or more enterprises for every item."""

import io
import math

import pytest
from django.core.management import call_command
from django.db.models import Count, Q
from oscar.core.loading import get_model

from baskets.models import BasketDesign
from supply.models import OfferCapacity

pytestmark = pytest.mark.django_db

Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")

BASKETS = 500
WEEKS = 4
APPROVED = StockRecord.OfferStatus.APPROVED


def can_supply(record, *, weeks: int) -> int:
    """Stock not yet allocated, plus ``weeks`` weeks of the offer's capacity."""
    return (record.num_in_stock - record.num_allocated) + record.capacity.units_per_week * weeks


def can_supply_in_time(record, *, weeks: int) -> int:
    """Stock, plus capacity of the weeks left after the lead time."""
    weeks_left = max(weeks - math.ceil(record.capacity.lead_time_days / 7), 0)
    return (record.num_in_stock - record.num_allocated) + record.capacity.units_per_week * weeks_left


def test_at_least_eight_products_are_offered_by_two_to_four_enterprises(demo_data):
    shared = Product.objects.annotate(
        offers=Count("stockrecords", filter=Q(stockrecords__offer_status=APPROVED)),
        vendors=Count("stockrecords__partner", filter=Q(stockrecords__offer_status=APPROVED), distinct=True),
    ).filter(offers__gte=2)

    assert shared.count() >= 8
    for product in shared:
        assert 2 <= product.offers <= 4, product.title
        assert product.vendors == product.offers, product.title  # one offer per enterprise
        records = list(product.stockrecords.all())
        assert len({r.partner_sku for r in records}) == len(records)
        assert all(r.price > 0 and r.num_in_stock > 0 for r in records), product.title
        assert all(OfferCapacity.objects.filter(stockrecord=r).exists() for r in records), product.title


def test_500_green_food_baskets_need_several_enterprises_for_every_item(demo_data):
    design = BasketDesign.objects.get(name="Den grønne madkurv")
    items = list(design.items.select_related("product"))
    assert len(items) >= 4

    for item in items:
        needed = BASKETS * item.quantity
        offers = list(
            StockRecord.objects.filter(product=item.product, offer_status=APPROVED).select_related("capacity")
        )
        best_single = max(can_supply(r, weeks=WEEKS) for r in offers)
        together = sum(can_supply(r, weeks=WEEKS) for r in offers)
        in_time = sum(can_supply_in_time(r, weeks=WEEKS) for r in offers)
        assert best_single < needed, (item.product.title, best_single)
        assert together >= needed, (item.product.title, together)
        assert in_time >= needed, (item.product.title, in_time)  # even counting each lead time
        assert len({r.partner_id for r in offers}) >= 2

    # and the hub, the only packer, can pack 500 baskets in that time
    packaging = design.basket_type.packaging_product.stockrecords.select_related("capacity").get()
    assert can_supply_in_time(packaging, weeks=WEEKS) >= BASKETS


def test_seeding_twice_keeps_offers_and_a_vendors_capacity_edit(demo_data):
    record = StockRecord.objects.get(partner__code="skovbrynet", partner_sku="SB-MARM-RAB")
    OfferCapacity.objects.filter(stockrecord=record).update(units_per_week=7)
    before = StockRecord.objects.count(), OfferCapacity.objects.count()

    call_command("seed_demo", stdout=io.StringIO())

    assert (StockRecord.objects.count(), OfferCapacity.objects.count()) == before
    assert OfferCapacity.objects.get(stockrecord=record).units_per_week == 7

"""Sourcing across offers: stock first, capacity by week, fair shares, exact sums, never above supply."""

import datetime
import threading
from decimal import Decimal

import pytest
from django.db import connection
from oscar.core.loading import get_model

from supply.models import CapacityReservation, OfferCapacity
from supply.services import CapacityExhausted, capacity_release, capacity_reserve
from supply.sourcing import (
    OfferSupply,
    SourcingError,
    earliest_date_for,
    largest_feasible_baskets,
    plan_solve,
    sourcing_plan,
)
from vendors.models import VendorProfile

Partner = get_model("partner", "Partner")
Product = get_model("catalogue", "Product")
ProductClass = get_model("catalogue", "ProductClass")
StockRecord = get_model("partner", "StockRecord")

TODAY = datetime.date(2027, 1, 4)  # a Monday
CVRS = ["31245672", "37128848", "29403317", "40561129"]


def offer(sr, stock, per_week=0, lead=0, rsov=False, weeks=6, product=1):
    monday = TODAY
    return OfferSupply(
        stockrecord_id=sr,
        partner_id=sr,
        product_id=product,
        is_rsov=rsov,
        stock_free=stock,
        lead_time_days=lead,
        weekly_free={monday + datetime.timedelta(weeks=i): per_week for i in range(weeks)}
        if per_week
        else {},
    )


def units(plan, product=1):
    return {a.stockrecord_id: a.units for a in plan.items[product].allocations}


# --- The solver, without a database -------------------------------------------------


def test_stock_is_used_before_capacity_and_spread_in_proportion_to_stock():
    offers = {1: [offer(1, 300, per_week=100), offer(2, 100, per_week=100)]}
    plan = plan_solve({1: 200}, offers, need_by=TODAY + datetime.timedelta(days=30), today=TODAY)
    item = plan.items[1]
    assert item.shortfall == 0
    assert all(a.by_week == {} for a in item.allocations)
    assert units(plan) == {1: 150, 2: 50}


def test_capacity_covers_what_stock_cannot_in_proportion_to_free_capacity_within_limits():
    # given three enterprises: 85 on hand, and 40, 60 and 100 units a week
    offers = {1: [offer(1, 85, per_week=40), offer(2, 0, per_week=60), offer(3, 15, per_week=100)]}
    need_by = TODAY + datetime.timedelta(days=18)  # Fridays of weeks 1-3 are ready: 3 weeks of capacity
    # when
    plan = plan_solve({1: 500}, offers, need_by=need_by, today=TODAY)
    # then all stock is used, the 400 others are split 40:60:100 of 600 free
    item = plan.items[1]
    assert item.shortfall == 0 and item.sourced == 500
    by_offer = {a.stockrecord_id: a for a in item.allocations}
    assert {k: a.from_stock for k, a in by_offer.items()} == {1: 85, 2: 0, 3: 15}
    capacity = {k: sum(a.by_week.values()) for k, a in by_offer.items()}
    assert capacity == {1: 80, 2: 120, 3: 200}
    for a in item.allocations:
        for monday, n in a.by_week.items():
            assert monday.weekday() == 0 and monday + datetime.timedelta(days=4) <= need_by
            assert n <= {1: 40, 2: 60, 3: 100}[a.stockrecord_id]


def test_whole_units_sum_exactly_and_ties_go_to_the_rsov_enterprise():
    offers = {1: [offer(1, 10), offer(2, 10, rsov=True), offer(3, 10)]}
    plan = plan_solve({1: 7}, offers, need_by=TODAY, today=TODAY)
    got = units(plan)
    assert sum(got.values()) == 7
    # 7/3 each = 2.33: one remainder unit, the RSØV enterprise gets it
    assert got == {1: 2, 2: 3, 3: 2}


def test_lead_time_keeps_early_weeks_out_and_the_shortfall_is_reported():
    offers = {1: [offer(1, 0, per_week=50, lead=14), offer(2, 20, per_week=0)]}
    need_by = TODAY + datetime.timedelta(days=18)  # week 3's Friday at the latest
    plan = plan_solve({1: 200}, offers, need_by=need_by, today=TODAY)
    item = plan.items[1]
    # offer 1 can make only in the week of Monday TODAY+14 (ready on its Friday, day 18)
    assert units(plan) == {1: 50, 2: 20}
    assert item.shortfall == 130 and not plan.feasible
    assert next(a for a in item.allocations if a.stockrecord_id == 1).by_week == {
        TODAY + datetime.timedelta(days=14): 50
    }


def test_largest_quantity_by_the_date_and_earliest_date_for_the_full_quantity():
    # a basket needs 2 jars (product 1) and 1 honey (product 2)
    offers = {
        1: [offer(1, 100, per_week=100, product=1), offer(2, 0, per_week=100, product=1)],
        2: [offer(3, 400, product=2)],
    }
    per_basket = {1: 2, 2: 1}
    need_by = TODAY + datetime.timedelta(days=4)  # this week's Friday: stock + one week
    assert (
        largest_feasible_baskets(per_basket, need_by=need_by, today=TODAY, offers=offers) == 150
    )  # 300 jars / 2
    # 400 baskets need 800 jars: 100 + 200 a week -> four weeks, ready on the 4th Friday
    assert earliest_date_for(per_basket, 400, today=TODAY, offers=offers) == TODAY + datetime.timedelta(
        days=25
    )
    # honey caps it: 401 baskets never
    assert earliest_date_for(per_basket, 401, today=TODAY, offers=offers) is None
    # the plan at that date is feasible
    plan = plan_solve({1: 800, 2: 400}, offers, need_by=TODAY + datetime.timedelta(days=25), today=TODAY)
    assert plan.feasible and plan.items[1].sourced == 800


@pytest.mark.parametrize("bad", [-1, 2.5, "500", True])
def test_a_demand_that_is_not_a_whole_number_of_zero_or_more_is_refused(bad):
    with pytest.raises(SourcingError):
        plan_solve({1: bad}, {1: [offer(1, 10)]}, need_by=TODAY, today=TODAY)


# --- With the database ------------------------------------------------------------------


def _vendor(name, cvr, *, rsov=False):
    partner = Partner.objects.create(name=name, code=name.lower())
    VendorProfile.objects.create(
        partner=partner,
        slug=name.lower(),
        legal_name=f"{name} ApS",
        cvr=cvr,
        is_rsov=rsov,
        contact_email=f"{name.lower()}@example.dk",
        status=VendorProfile.Status.APPROVED,
    )
    return partner


@pytest.fixture
def honey_offers(db):
    product_class, _ = ProductClass.objects.get_or_create(name="Fødevare", defaults={"track_stock": True})
    honey = Product.objects.create(
        title="Økologisk honning 250 g", product_class=product_class, is_public=True
    )
    specs = [
        ("Bigaarden", 60, 100, 0, False),
        ("Honningkilden", 25, 80, 7, True),
        ("Sollys", 0, 150, 0, False),
    ]
    records = []
    for (name, stock, per_week, lead, rsov), cvr in zip(specs, CVRS, strict=False):
        record = StockRecord.objects.create(
            product=honey,
            partner=_vendor(name, cvr, rsov=rsov),
            partner_sku=f"HON-{name[:3].upper()}",
            price=Decimal("52.00"),
            num_in_stock=stock,
        )
        OfferCapacity.objects.create(stockrecord=record, units_per_week=per_week, lead_time_days=lead)
        records.append(record)
    return honey, records


def test_a_product_offered_by_three_enterprises_is_sourced_across_them_for_500(
    honey_offers, django_assert_max_num_queries
):
    honey, records = honey_offers
    need_by = TODAY + datetime.timedelta(days=25)
    with django_assert_max_num_queries(2):
        plan = sourcing_plan({honey.pk: 500}, need_by=need_by, today=TODAY)
    item = plan.items[honey.pk]
    assert plan.feasible and item.sourced == 500
    by_partner = {a.partner_id: a for a in item.allocations}
    assert set(by_partner) == {r.partner_id for r in records}
    for record in records:
        allocation = by_partner[record.partner_id]
        assert allocation.from_stock == record.num_in_stock  # all stock first
        assert sum(allocation.by_week.values()) <= record.capacity.units_per_week * 4


def test_promised_capacity_is_not_promised_again_and_released_capacity_is(honey_offers):
    honey, records = honey_offers
    need_by = TODAY + datetime.timedelta(days=11)  # two Fridays
    first = sourcing_plan({honey.pk: 700}, need_by=need_by, today=TODAY)
    assert first.items[honey.pk].shortfall == 700 - (85 + 2 * 100 + 1 * 80 + 2 * 150)  # lead 7: one week
    reserved = capacity_reserve(plan=first, reference="bulk-order:1")
    assert sum(r.units for r in reserved) == first.items[honey.pk].sourced - 85
    # stock is not reserved here (checkout allocates it); capacity is: a second plan finds none left
    second = sourcing_plan({honey.pk: 100}, need_by=need_by, today=TODAY)
    assert all(a.by_week == {} for a in second.items[honey.pk].allocations)
    assert capacity_release(reference="bulk-order:1") == len(reserved)
    third = sourcing_plan({honey.pk: 300}, need_by=need_by, today=TODAY)
    assert third.feasible


def test_an_offer_excluded_after_a_decline_gets_nothing(honey_offers):
    honey, records = honey_offers
    plan = sourcing_plan(
        {honey.pk: 50},
        need_by=TODAY + datetime.timedelta(days=25),
        today=TODAY,
        exclude_stockrecord_ids=[records[0].pk],
    )
    assert records[0].partner_id not in {a.partner_id for a in plan.items[honey.pk].allocations}
    assert plan.items[honey.pk].sourced == 50


def test_reserving_a_stale_plan_is_refused_and_saves_nothing(honey_offers):
    honey, _records = honey_offers
    need_by = TODAY + datetime.timedelta(days=11)
    stale = sourcing_plan({honey.pk: 400}, need_by=need_by, today=TODAY)
    capacity_reserve(
        plan=sourcing_plan({honey.pk: 400}, need_by=need_by, today=TODAY), reference="bulk-order:1"
    )
    before = CapacityReservation.objects.count()
    with pytest.raises(CapacityExhausted):
        capacity_reserve(plan=stale, reference="bulk-order:2")
    assert CapacityReservation.objects.count() == before
    assert not CapacityReservation.objects.filter(reference="bulk-order:2").exists()


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_orders_never_over_promise_the_same_capacity(honey_offers):
    honey, records = honey_offers
    need_by = TODAY + datetime.timedelta(days=11)
    plans = [sourcing_plan({honey.pk: 500}, need_by=need_by, today=TODAY) for _ in range(2)]
    start = threading.Barrier(2)
    outcomes: list = [None, None]

    def order(i):
        try:
            start.wait()
            capacity_reserve(plan=plans[i], reference=f"bulk-order:{i}")
            outcomes[i] = "reserved"
        except CapacityExhausted:
            outcomes[i] = "refused"
        finally:
            connection.close()

    threads = [threading.Thread(target=order, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(outcomes) == ["refused", "reserved"]
    for record in records:
        per_week = record.capacity.units_per_week
        for week in (
            CapacityReservation.objects.filter(stockrecord=record).values_list("week", flat=True).distinct()
        ):
            promised = sum(
                CapacityReservation.objects.filter(
                    stockrecord=record, week=week, status=CapacityReservation.Status.RESERVED
                ).values_list("units", flat=True)
            )
            assert promised <= per_week

"""A second, independent set of sourcing checks (written against the brief's API by another engineer).

Figures worked out by hand: 3 workshops, stock before capacity, proportional capacity, RSØV ties,
shortfall/largest baskets/earliest date, reserved and excluded offers, unsellable offers, constant
queries, and exact sums for every demand over awkward bounds.
"""

import datetime

import pytest

from supply.models import CapacityReservation
from supply.services import CapacityExhausted, capacity_consume, capacity_release, capacity_reserve
from supply.sourcing import (
    OfferSupply,
    earliest_date_for,
    largest_feasible_baskets,
    plan_solve,
    sourcing_plan,
)

from .factories import offer, product, vendor_partner

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 12, 7)  # a Monday
WEEK = datetime.timedelta(weeks=1)


def units_by_partner(plan, product_id):
    return {a.partner_id: (a.from_stock, a.by_week) for a in plan.items[product_id].allocations}


@pytest.fixture
def jam():
    """Rabarbermarmelade from three workshops: stock 85/40/0, capacity 60/40/100 a week."""
    item = product()
    a, b, c = vendor_partner("a"), vendor_partner("b"), vendor_partner("c", is_rsov=True)
    offers = {
        "a": offer(item, a, stock=100, allocated=15, per_week=60, lead_days=0),
        "b": offer(item, b, stock=40, per_week=40, lead_days=7),
        "c": offer(item, c, stock=0, per_week=100, lead_days=14),
    }
    return item, {"a": a, "b": b, "c": c}, offers


def test_500_units_sourced_across_three_vendors_within_capacity_summing_exactly(jam):
    item, partners, offers = jam
    need_by = TODAY + 3 * WEEK + datetime.timedelta(days=4)  # Friday in four weeks' time: 4 weeks of A
    # when
    plan = sourcing_plan({item.pk: 500}, need_by=need_by, today=TODAY)
    # then: stock 85 + 40 = 125, capacity A 4x60, B 3x40, C 2x100 = 560 >= 375
    line = plan.items[item.pk]
    assert plan.feasible and line.shortfall == 0
    assert sum(a.units for a in line.allocations) == 500
    got = units_by_partner(plan, item.pk)
    assert got[partners["a"].pk][0] == 85 and got[partners["b"].pk][0] == 40
    assert {p.pk for p in partners.values()} == set(got)
    for allocation in line.allocations:
        record = next(o for o in offers.values() if o.pk == allocation.stockrecord_id)
        for week, units in allocation.by_week.items():
            assert units <= record.capacity.units_per_week
            assert week.weekday() == 0 and week + datetime.timedelta(days=4) <= need_by
            ready = TODAY + datetime.timedelta(days=record.capacity.lead_time_days)
            assert week + datetime.timedelta(days=4) >= ready
    # capacity spread proportional to what each has left: 375 of 560 = 67 %
    cap = {p: sum(w.values()) for p, (_s, w) in got.items()}
    assert cap == {partners["a"].pk: 161, partners["b"].pk: 80, partners["c"].pk: 134}


def test_stock_is_used_before_any_capacity(jam):
    item, partners, _offers = jam
    # when: 100 units, 125 in stock
    plan = sourcing_plan({item.pk: 100}, need_by=TODAY + 5 * WEEK, today=TODAY)
    # then: only stock, spread 85:40
    got = units_by_partner(plan, item.pk)
    assert all(weeks == {} for _s, weeks in got.values())
    assert {p: s for p, (s, _w) in got.items()} == {partners["a"].pk: 68, partners["b"].pk: 32}


def test_equal_offers_tie_goes_to_the_rsov_vendor_then_the_older_offer():
    item = product()
    plain_old, plain_new = vendor_partner("old"), vendor_partner("new")
    rsov = vendor_partner("rsov", is_rsov=True)
    first = offer(item, plain_old, stock=10)
    offer(item, plain_new, stock=10)
    offer(item, rsov, stock=10)
    # when: 2 units of 30, shares 2/3 each
    plan = sourcing_plan({item.pk: 2}, need_by=TODAY, today=TODAY)
    # then
    got = {a.partner_id: a.from_stock for a in plan.items[item.pk].allocations}
    assert got == {rsov.pk: 1, plain_old.pk: 1}
    assert first.partner_id == plain_old.pk


def test_infeasible_date_gives_shortfall_largest_baskets_and_earliest_date(jam):
    item, _partners, _offers = jam
    need_by = TODAY + datetime.timedelta(days=4)  # this Friday: stock 125 + one week of A (60)
    # when
    plan = sourcing_plan({item.pk: 500}, need_by=need_by, today=TODAY)
    # then
    assert not plan.feasible
    assert plan.items[item.pk].shortfall == 500 - 185
    assert sum(a.units for a in plan.items[item.pk].allocations) == 185
    assert largest_feasible_baskets({item.pk: 2}, need_by=need_by, today=TODAY) == 92
    # 250 baskets x 2 = 500: by Friday of week 3 stock 125 + A 3x60 + B 2x40 + C 1x100 = 485; week 4: 685
    assert earliest_date_for({item.pk: 2}, 250, today=TODAY) == TODAY + 3 * WEEK + datetime.timedelta(days=4)
    assert earliest_date_for({item.pk: 2}, 10**6, today=TODAY) is None


def test_reserved_capacity_is_not_free_again(jam):
    item, partners, offers = jam
    CapacityReservation.objects.create(
        stockrecord=offers["a"], week=TODAY, units=60, reference="bulk-order:1"
    )
    # when
    plan = sourcing_plan({item.pk: 500}, need_by=TODAY + datetime.timedelta(days=4), today=TODAY)
    # then: only the stock is left by Friday
    assert plan.items[item.pk].shortfall == 500 - 125


def test_excluded_offer_is_not_used_for_resourcing(jam):
    item, partners, offers = jam
    # when: A declined
    plan = sourcing_plan(
        {item.pk: 50}, need_by=TODAY + 5 * WEEK, today=TODAY, exclude_stockrecord_ids=[offers["a"].pk]
    )
    # then: B's 40 in stock, the other 10 from B's and C's capacity, none from A
    got = units_by_partner(plan, item.pk)
    assert set(got) == {partners["b"].pk, partners["c"].pk}
    assert got[partners["b"].pk][0] == 40
    assert plan.items[item.pk].sourced == 50


def test_offers_not_approved_or_of_blocked_vendors_do_not_count():
    item = product()
    ok = vendor_partner("ok")
    offer(item, ok, stock=5)
    offer(item, vendor_partner("pending"), stock=100, status="pending")
    offer(item, vendor_partner("suspended", status="suspended"), stock=100)
    # when
    plan = sourcing_plan({item.pk: 20}, need_by=TODAY, today=TODAY)
    # then
    assert [a.partner_id for a in plan.items[item.pk].allocations] == [ok.pk]
    assert plan.items[item.pk].shortfall == 15


@pytest.mark.parametrize("bad", [-1, 2.5, "500", True, None])
def test_bad_demand_is_refused(bad):
    with pytest.raises(ValueError):
        plan_solve({1: bad}, {}, need_by=TODAY, today=TODAY)


def test_a_date_in_the_past_is_refused_and_nothing_can_be_had_by_it(jam):
    item, _partners, _offers = jam
    yesterday = TODAY - datetime.timedelta(days=1)
    with pytest.raises(ValueError):
        plan_solve({1: 5}, {}, need_by=yesterday, today=TODAY)
    with pytest.raises(ValueError):
        sourcing_plan({item.pk: 5}, need_by=yesterday, today=TODAY)
    assert largest_feasible_baskets({item.pk: 1}, need_by=yesterday, today=TODAY) == 0


def test_load_and_solve_cost_the_same_queries_for_1_or_8_products(jam, django_assert_num_queries):
    item, _p, _o = jam
    others = [product(f"Vare {i}") for i in range(7)]
    for other in others:
        offer(other, vendor_partner(f"v{other.pk}"), stock=10, per_week=5)
    with django_assert_num_queries(2):
        sourcing_plan({item.pk: 500}, need_by=TODAY + 8 * WEEK, today=TODAY)
    with django_assert_num_queries(2):
        sourcing_plan({item.pk: 500, **{o.pk: 300 for o in others}}, need_by=TODAY + 8 * WEEK, today=TODAY)


def test_pure_solve_sums_exactly_for_many_awkward_splits():
    # given: seven offers with prime-ish stock and capacity, every demand from 0 to above the total
    offers = [
        OfferSupply(
            stockrecord_id=i,
            partner_id=i,
            product_id=1,
            is_rsov=i % 3 == 0,
            stock_free=s,
            lead_time_days=0,
            weekly_free={TODAY: c, TODAY + WEEK: c // 2},
        )
        for i, (s, c) in enumerate([(7, 13), (0, 29), (11, 0), (3, 3), (17, 1), (1, 31), (0, 0)], start=1)
    ]
    total = sum(o.stock_free + sum(o.weekly_free.values()) for o in offers)
    for quantity in range(0, total + 20, 7):
        plan = plan_solve({1: quantity}, {1: offers}, need_by=TODAY + 2 * WEEK, today=TODAY)
        line = plan.items[1]
        assert line.sourced + line.shortfall == quantity
        assert line.shortfall == max(quantity - total, 0)
        for allocation in line.allocations:
            source = offers[allocation.stockrecord_id - 1]
            assert 0 <= allocation.from_stock <= source.stock_free
            for week, units in allocation.by_week.items():
                assert 0 < units <= source.weekly_free[week]


def reserved_units(reference):
    return sum(
        CapacityReservation.objects.filter(
            reference=reference, status=CapacityReservation.Status.RESERVED
        ).values_list("units", flat=True)
    )


def test_reserving_the_same_plan_twice_promises_it_once(jam):
    item, _partners, _offers = jam
    plan = sourcing_plan({item.pk: 500}, need_by=TODAY + 5 * WEEK, today=TODAY)
    # when
    first = capacity_reserve(plan=plan, reference="bulk-order:7")
    again = capacity_reserve(plan=plan, reference="bulk-order:7")
    # then
    assert sorted(r.pk for r in again) == sorted(r.pk for r in first)
    assert reserved_units("bulk-order:7") == 500 - 125


def test_a_new_plan_for_the_same_reference_replaces_its_promise(jam):
    item, _partners, _offers = jam
    need_by = TODAY + 5 * WEEK
    plan = sourcing_plan({item.pk: 500}, need_by=need_by, today=TODAY)
    capacity_reserve(plan=plan, reference="bulk-order:7")
    # when: the buyer asks for fewer; the order's own promise does not count against it
    smaller = sourcing_plan({item.pk: 300}, need_by=need_by, today=TODAY)
    capacity_reserve(plan=smaller, reference="bulk-order:7")
    # then
    assert reserved_units("bulk-order:7") == 300 - 125
    assert CapacityReservation.objects.filter(
        reference="bulk-order:7", status=CapacityReservation.Status.RELEASED
    ).exists()


def test_exhausted_capacity_names_the_item_offer_and_week(jam):
    item, _partners, offers = jam
    stale = sourcing_plan({item.pk: 300}, need_by=TODAY + datetime.timedelta(days=4), today=TODAY)
    CapacityReservation.objects.create(stockrecord=offers["a"], week=TODAY, units=30, reference="other")
    # when
    with pytest.raises(CapacityExhausted) as error:
        capacity_reserve(plan=stale, reference="bulk-order:8")
    # then
    exhausted = error.value
    assert (exhausted.product_id, exhausted.stockrecord_id) == (item.pk, offers["a"].pk)
    assert exhausted.week == TODAY
    assert (error.value.units, error.value.free) == (60, 30)
    assert not CapacityReservation.objects.filter(reference="bulk-order:8").exists()


def test_consumed_capacity_stays_promised_only_to_nobody_else(jam):
    item, _partners, _offers = jam
    need_by = TODAY + 5 * WEEK
    plan = sourcing_plan({item.pk: 500}, need_by=need_by, today=TODAY)
    capacity_reserve(plan=plan, reference="bulk-order:9")
    # when
    used = capacity_consume(reference="bulk-order:9")
    # then: consumed rows are no longer "reserved", cannot be released, and their weeks are not free again
    assert used > 0 and reserved_units("bulk-order:9") == 0
    assert capacity_release(reference="bulk-order:9") == 0
    with pytest.raises(ValueError):
        capacity_consume()


def test_a_week_counts_only_when_its_friday_is_after_the_lead_time_and_not_yet_past():
    # given: 10 a week in this week and the next two
    weekly = {TODAY + i * WEEK: 10 for i in range(3)}
    three_days = OfferSupply(
        stockrecord_id=1,
        partner_id=1,
        product_id=1,
        is_rsov=False,
        stock_free=0,
        lead_time_days=3,
        weekly_free=weekly,
    )
    need_by = TODAY + 2 * WEEK + datetime.timedelta(days=4)
    # when / then: on Wednesday a 3-day lead time ends on Saturday, after this Friday
    wednesday = TODAY + datetime.timedelta(days=2)
    assert three_days.usable_weeks(need_by=need_by, today=wednesday) == [TODAY + WEEK, TODAY + 2 * WEEK]
    # on Tuesday it ends on Friday: this week still counts
    tuesday = TODAY + datetime.timedelta(days=1)
    assert three_days.usable_weeks(need_by=need_by, today=tuesday) == sorted(weekly)
    # on Saturday with no lead time, this week's Friday is gone
    no_lead = OfferSupply(
        stockrecord_id=2,
        partner_id=2,
        product_id=1,
        is_rsov=False,
        stock_free=0,
        lead_time_days=0,
        weekly_free=weekly,
    )
    saturday = TODAY + datetime.timedelta(days=5)
    plan = plan_solve({1: 30}, {1: [no_lead]}, need_by=need_by, today=saturday)
    assert plan.items[1].shortfall == 10

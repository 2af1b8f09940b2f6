"""Sourcing plan: which enterprises supply how many units of each item of a large order, and when.

A product can be offered by several enterprises (one StockRecord each). For a demand of
units per product and the date the hub needs them (``need_by``), every product is sourced
across its sellable offers with a linear programme solved by SciPy's HiGHS (`linprog`):

1. **Stock first.** Units on hand (``num_in_stock - num_allocated``) are there now; capacity is
   only used for what stock cannot cover (stage 1 minimises shortfall, then capacity used).
2. **Capacity by week.** An offer's capacity of the ISO week starting Monday ``W`` counts when
   its units are ready on its Friday and that Friday is neither before the lead time is over
   nor after ``need_by``: ``today + lead_time_days <= W + 4 days <= need_by``. (So a lead time
   ending on a Saturday starts with the next week, and on a Saturday this week's capacity is
   gone.) What is already promised to other orders (``CapacityReservation`` rows, status
   reserved) is taken off.
3. **Fairness.** Among the plans that are as good by 1 and 2, stage 2 minimises the total
   deviation from each offer's proportional share: stock used is spread in proportion to each
   offer's free stock, capacity used in proportion to each offer's free capacity in the usable
   weeks. Whole units are then handed out by largest remainder; remaining ties go to an RSØV
   enterprise first, then to the older offer (lower stock record id). Nothing depends on table
   order.
4. **Never above supply.** No offer gets more than its free stock plus its free capacity; what
   no offer can supply by ``need_by`` is the item's ``shortfall``.

``largest_feasible_baskets`` and ``earliest_date_for`` answer the buyer whose date cannot be met:
the most baskets possible by that date, and the first date on which all of them can be had.

Loading offers costs a fixed number of queries whatever the demand (``offers_load``); solving
is pure (``plan_solve``) so it is tested and benchmarked without a database.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
from django.db.models import F, Sum
from scipy.optimize import linprog

from marketplace.errors import RuleViolation
from supply.models import MAX_LEAD_TIME_DAYS, CapacityReservation, week_start

# How far ahead capacity is planned (and the latest date earliest_date_for looks at).
HORIZON_WEEKS = 26
# Units made in the week of Monday W are ready on that week's Friday.
READY_WEEKDAY_OFFSET = 4


class SourcingError(ValueError, RuleViolation):
    """The demand cannot be planned as asked (e.g. a negative quantity)."""


@dataclass(frozen=True)
class OfferSupply:
    """What one offer (a vendor's StockRecord of a product) can still supply."""

    stockrecord_id: int
    partner_id: int
    product_id: int
    is_rsov: bool
    stock_free: int
    lead_time_days: int
    weekly_free: dict[datetime.date, int] = field(default_factory=dict)

    def usable_weeks(self, *, need_by: datetime.date, today: datetime.date) -> list[datetime.date]:
        """The Mondays whose capacity is ready by ``need_by``, in order."""
        first_ready = today + datetime.timedelta(days=self.lead_time_days)
        return sorted(
            monday
            for monday, free in self.weekly_free.items()
            if free > 0 and first_ready <= monday + datetime.timedelta(days=READY_WEEKDAY_OFFSET) <= need_by
        )

    def available_by(self, *, need_by: datetime.date, today: datetime.date) -> int:
        weeks = self.usable_weeks(need_by=need_by, today=today)
        return self.stock_free + sum(self.weekly_free[monday] for monday in weeks)


@dataclass
class Allocation:
    """Units of one product from one offer: from stock now, and made in given weeks."""

    stockrecord_id: int
    partner_id: int
    product_id: int
    from_stock: int = 0
    by_week: dict[datetime.date, int] = field(default_factory=dict)

    @property
    def units(self) -> int:
        return self.from_stock + sum(self.by_week.values())


@dataclass
class ItemPlan:
    product_id: int
    quantity: int
    allocations: list[Allocation]
    shortfall: int

    @property
    def sourced(self) -> int:
        return sum(allocation.units for allocation in self.allocations)


@dataclass
class SourcingPlan:
    need_by: datetime.date
    items: dict[int, ItemPlan]

    @property
    def feasible(self) -> bool:
        return all(item.shortfall == 0 for item in self.items.values())

    def units_by_stockrecord(self) -> dict[int, int]:
        units: dict[int, int] = defaultdict(int)
        for item in self.items.values():
            for allocation in item.allocations:
                units[allocation.stockrecord_id] += allocation.units
        return dict(units)


# --- Loading -------------------------------------------------------------------------


def offers_load(
    product_ids, *, today: datetime.date, horizon_weeks: int = HORIZON_WEEKS, exclude_stockrecord_ids=()
) -> dict[int, list[OfferSupply]]:
    """The sellable offers of ``product_ids`` with free stock and free capacity per week (2 queries).

    Sellable: the offer is approved, has a price, and its vendor is approved (as the shop's
    strategy decides); stock records of partners without a vendor profile count too.
    """
    from oscar.core.loading import get_model

    from vendors.models import VendorProfile

    StockRecord = get_model("partner", "StockRecord")
    product_ids = list(product_ids)
    first = week_start(today)
    mondays = [first + datetime.timedelta(weeks=i) for i in range(horizon_weeks)]
    records = list(
        StockRecord.objects.filter(
            product_id__in=product_ids,
            offer_status=StockRecord.OfferStatus.APPROVED,
            price__isnull=False,
        )
        .exclude(pk__in=list(exclude_stockrecord_ids))
        .exclude(
            partner__vendor_profile__status__in=[s for s in VendorProfile.Status.values if s != "approved"]
        )
        .annotate(rsov=F("partner__vendor_profile__is_rsov"))
        .values(
            "pk",
            "partner_id",
            "product_id",
            "num_in_stock",
            "num_allocated",
            "rsov",
            "capacity__units_per_week",
            "capacity__lead_time_days",
        )
    )
    promised: dict[tuple[int, datetime.date], int] = {
        (row["stockrecord_id"], row["week"]): row["units"]
        for row in CapacityReservation.objects.filter(
            stockrecord_id__in=[r["pk"] for r in records],
            status=CapacityReservation.Status.RESERVED,
            week__gte=first,
            week__lte=mondays[-1],
        )
        .values("stockrecord_id", "week")
        .annotate(units=Sum("units"))
    }
    offers: dict[int, list[OfferSupply]] = {product_id: [] for product_id in product_ids}
    for row in records:
        per_week = row["capacity__units_per_week"] or 0
        offers[row["product_id"]].append(
            OfferSupply(
                stockrecord_id=row["pk"],
                partner_id=row["partner_id"],
                product_id=row["product_id"],
                is_rsov=bool(row["rsov"]),
                stock_free=max((row["num_in_stock"] or 0) - (row["num_allocated"] or 0), 0),
                lead_time_days=min(row["capacity__lead_time_days"] or 0, MAX_LEAD_TIME_DAYS),
                weekly_free={
                    monday: max(per_week - promised.get((row["pk"], monday), 0), 0)
                    for monday in mondays
                    if per_week
                },
            )
        )
    for product_offers in offers.values():
        product_offers.sort(key=lambda offer: offer.stockrecord_id)
    return offers


# --- Solving ---------------------------------------------------------------------------


def _demand_check(demand: dict[int, int]) -> None:
    for product_id, quantity in demand.items():
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 0:
            raise SourcingError(f"The quantity of product {product_id} must be a whole number of 0 or more.")


def _largest_remainder(total: int, shares: list[float], caps: list[int], order: list[int]) -> list[int]:
    """Whole numbers near ``shares``, each within its cap, summing to ``total`` (total <= sum(caps)).

    ``order`` ranks the indices for the remainder units (RSØV first, then older offer).
    """
    units = [min(int(np.floor(share + 1e-9)), cap) for share, cap in zip(shares, caps, strict=True)]
    missing = total - sum(units)
    remainders = sorted(
        # Fractions equal to 6 places are a tie (the solver's floats differ in the last bits).
        range(len(shares)),
        key=lambda i: (-round(shares[i] - np.floor(shares[i] + 1e-9), 6), order.index(i)),
    )
    while missing > 0:
        progressed = False
        for i in remainders:
            if missing == 0:
                break
            if units[i] < caps[i]:
                units[i] += 1
                missing -= 1
                progressed = True
        if not progressed:  # pragma: no cover - total <= sum(caps) is checked by the caller
            raise SourcingError("Cannot hand out the units within the offers' limits.")
    while missing < 0:  # the LP rounded up somewhere: take back from the largest
        i = max(range(len(units)), key=lambda j: (units[j] - shares[j], -order.index(j)))
        units[i] -= 1
        missing += 1
    return units


def _item_solve(
    product_id: int, quantity: int, offers: list[OfferSupply], *, need_by: datetime.date, today: datetime.date
) -> ItemPlan:
    """One product: an LP over stock and weekly capacity of its offers, then whole units."""
    if quantity == 0 or not offers:
        return ItemPlan(product_id=product_id, quantity=quantity, allocations=[], shortfall=quantity)
    # Variables: stock x_o, capacity y_(o,w), shortfall z; stage 2 adds deviations.
    cells: list[tuple[int, datetime.date]] = [
        (i, monday)
        for i, offer in enumerate(offers)
        for monday in offer.usable_weeks(need_by=need_by, today=today)
    ]
    n_offers, n_cells = len(offers), len(cells)
    n = n_offers + n_cells + 1
    bounds = [(0, offer.stock_free) for offer in offers]
    bounds += [(0, offers[i].weekly_free[monday]) for i, monday in cells]
    bounds += [(0, quantity)]
    a_eq = np.ones((1, n))
    b_eq = np.array([quantity])
    # Stage 1: as little shortfall as possible, then as little capacity (stock first);
    # among equal weeks the earlier ones (more margin for the hub).
    horizon = max((monday for _i, monday in cells), default=today)
    cost = np.zeros(n)
    for k, (_i, monday) in enumerate(cells):
        cost[n_offers + k] = 1.0 + 1e-4 * ((monday - today).days / max((horizon - today).days, 1))
    cost[-1] = 1000.0
    stage1 = linprog(cost, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs")
    if stage1.status != 0:  # pragma: no cover - the programme is always feasible (z absorbs the rest)
        raise SourcingError(f"The solver found no plan for product {product_id}: {stage1.message}")
    shortfall = int(round(stage1.x[-1]))
    from_capacity = int(round(sum(stage1.x[n_offers:-1])))
    from_stock = quantity - shortfall - from_capacity

    # Stage 2: fix those totals and spread them in proportion to each offer's free supply.
    stock_total = sum(offer.stock_free for offer in offers)
    cap_total_by_offer = [0] * n_offers
    for i, monday in cells:
        cap_total_by_offer[i] += offers[i].weekly_free[monday]
    cap_total = sum(cap_total_by_offer)
    stock_target = [from_stock * offer.stock_free / stock_total if stock_total else 0.0 for offer in offers]
    cap_target = [from_capacity * c / cap_total if cap_total else 0.0 for c in cap_total_by_offer]
    # Extra variables: d+ and d- for the stock and the capacity share of each offer.
    m = n + 4 * n_offers
    a2 = np.zeros((3 + 2 * n_offers, m))
    b2 = np.zeros(3 + 2 * n_offers)
    a2[0, :n] = 1  # everything adds up to the demand
    b2[0] = quantity
    a2[1, n - 1] = 1  # with the shortfall of stage 1
    b2[1] = shortfall
    a2[2, n_offers : n - 1] = 1  # and the capacity of stage 1
    b2[2] = from_capacity
    for i in range(n_offers):
        stock_row, cap_row = 3 + 2 * i, 4 + 2 * i
        a2[stock_row, i] = 1  # x_i - d+ + d- = the offer's share of stock
        a2[stock_row, n + 4 * i : n + 4 * i + 2] = (-1, 1)
        b2[stock_row] = stock_target[i]
        for k, (j, _monday) in enumerate(cells):  # sum_w y_(i,w) - d+ + d- = its share of capacity
            if j == i:
                a2[cap_row, n_offers + k] = 1
        a2[cap_row, n + 4 * i + 2 : n + 4 * i + 4] = (-1, 1)
        b2[cap_row] = cap_target[i]
    cost2 = np.zeros(m)
    cost2[n:] = 1.0  # total deviation from the proportional shares
    stage2 = linprog(cost2, A_eq=a2, b_eq=b2, bounds=bounds + [(0, None)] * (4 * n_offers), method="highs")
    x = stage2.x if stage2.status == 0 else np.concatenate([stage1.x, np.zeros(4 * n_offers)])

    # Whole units: RSØV first, then the older offer, on ties.
    order = sorted(range(n_offers), key=lambda i: (not offers[i].is_rsov, offers[i].stockrecord_id))
    stock_units = _largest_remainder(
        from_stock, [float(v) for v in x[:n_offers]], [offer.stock_free for offer in offers], order
    )
    cap_units = _largest_remainder(
        from_capacity,
        [float(sum(x[n_offers + k] for k, (j, _w) in enumerate(cells) if j == i)) for i in range(n_offers)],
        cap_total_by_offer,
        order,
    )
    allocations = []
    for i, offer in enumerate(offers):
        by_week = _weeks_fill(
            cap_units[i], [(monday, offer.weekly_free[monday]) for j, monday in cells if j == i]
        )
        if stock_units[i] or by_week:
            allocations.append(
                Allocation(
                    stockrecord_id=offer.stockrecord_id,
                    partner_id=offer.partner_id,
                    product_id=product_id,
                    from_stock=stock_units[i],
                    by_week=by_week,
                )
            )
    return ItemPlan(product_id=product_id, quantity=quantity, allocations=allocations, shortfall=shortfall)


def _weeks_fill(units: int, weeks: list[tuple[datetime.date, int]]) -> dict[datetime.date, int]:
    """Spread an offer's capacity units over its usable weeks, earliest first (more margin for the hub)."""
    by_week: dict[datetime.date, int] = {}
    for monday, free in weeks:
        if units <= 0:
            break
        take = min(units, free)
        if take:
            by_week[monday] = take
            units -= take
    return by_week


def plan_solve(
    demand: dict[int, int],
    offers: dict[int, list[OfferSupply]],
    *,
    need_by: datetime.date,
    today: datetime.date,
) -> SourcingPlan:
    """Source every product of ``demand`` across ``offers`` (no database)."""
    _demand_check(demand)
    if need_by < today:  # stock is "there now", not yesterday: a plan for a past date would promise it
        raise SourcingError(f"The date the units are needed by ({need_by}) is in the past.")
    items = {
        product_id: _item_solve(
            product_id, quantity, offers.get(product_id, []), need_by=need_by, today=today
        )
        for product_id, quantity in demand.items()
    }
    return SourcingPlan(need_by=need_by, items=items)


def sourcing_plan(
    demand: dict[int, int],
    *,
    need_by: datetime.date,
    today: datetime.date | None = None,
    exclude_stockrecord_ids=(),
) -> SourcingPlan:
    """Load the offers of ``demand``'s products and source it by ``need_by``."""
    _demand_check(demand)
    today = today or datetime.date.today()
    offers = offers_load(demand, today=today, exclude_stockrecord_ids=exclude_stockrecord_ids)
    return plan_solve(demand, offers, need_by=need_by, today=today)


# --- What can be had -------------------------------------------------------------------


def _baskets_possible(per_basket: dict[int, int], offers, *, need_by, today) -> int:
    counts = []
    for product_id, per in per_basket.items():
        if per <= 0:
            continue
        available = sum(
            offer.available_by(need_by=need_by, today=today) for offer in offers.get(product_id, [])
        )
        counts.append(available // per)
    return min(counts) if counts else 0


def largest_feasible_baskets(
    per_basket: dict[int, int], *, need_by: datetime.date, today: datetime.date | None = None, offers=None
) -> int:
    """The most baskets (each needing ``per_basket[product]`` units) the offers can supply by ``need_by``.

    Exact for this model: products do not share stock or capacity, so each product's limit is
    the sum of its offers' free stock and usable capacity, and the basket count is the smallest.
    """
    _demand_check(per_basket)
    today = today or datetime.date.today()
    if need_by < today:
        return 0
    if offers is None:
        offers = offers_load(per_basket, today=today)
    return _baskets_possible(per_basket, offers, need_by=need_by, today=today)


def earliest_date_for(
    per_basket: dict[int, int], baskets: int, *, today: datetime.date | None = None, offers=None
) -> datetime.date | None:
    """The first day on which ``baskets`` baskets can all be had; None if not within the planning horizon.

    Supply only grows on the Friday a week's capacity is ready, so those days (and today, for
    stock) are the only candidates.
    """
    _demand_check({**per_basket, 0: baskets})
    today = today or datetime.date.today()
    if offers is None:
        offers = offers_load(per_basket, today=today)
    first = week_start(today)
    candidates = [today] + [
        friday
        for friday in (
            first + datetime.timedelta(weeks=i, days=READY_WEEKDAY_OFFSET) for i in range(HORIZON_WEEKS)
        )
        if friday > today
    ]
    for day in candidates:
        if _baskets_possible(per_basket, offers, need_by=day, today=today) >= baskets:
            return day
    return None

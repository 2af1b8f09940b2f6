"""A bulk order's items sourced across the enterprises that offer them (supply.sourcing), for the quote.

The hub needs every unit ``HUB_ASSEMBLY_DAYS`` before the requested delivery date. When the
order cannot be met by then, the quote offers the largest number of baskets possible by that
date and the earliest delivery date for all of them, and the buyer picks either.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from oscar.core.loading import get_model

from baskets.models import BasketDesign, BasketDesignItem
from fulfilment.services import HUB_ASSEMBLY_DAYS
from supply.sourcing import SourcingPlan, earliest_date_for, offers_load, plan_solve

Partner = get_model("partner", "Partner")
Product = get_model("catalogue", "Product")


def need_by_for(requested_delivery_date: datetime.date) -> datetime.date:
    return requested_delivery_date - datetime.timedelta(days=HUB_ASSEMBLY_DAYS)


def delivery_date_for(need_by: datetime.date) -> datetime.date:
    """The first weekday at least HUB_ASSEMBLY_DAYS after the vendors' units are at the hub."""
    day = need_by + datetime.timedelta(days=HUB_ASSEMBLY_DAYS)
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    return day


@dataclass
class SupplierRow:
    vendor: str
    is_rsov: bool
    from_stock: int
    by_week: list[tuple[int, datetime.date, int]]  # (ISO week number, Monday, units)

    @property
    def units(self) -> int:
        return self.from_stock + sum(units for _n, _monday, units in self.by_week)


@dataclass
class SourcedItem:
    product_id: int
    title: str
    quantity: int
    suppliers: list[SupplierRow]
    shortfall: int


@dataclass
class BulkSourcing:
    requested_delivery_date: datetime.date
    need_by: datetime.date
    design_counts: dict[int, int]
    plan: SourcingPlan
    items: list[SourcedItem] = field(default_factory=list)
    largest_counts: dict[int, int] = field(default_factory=dict)
    earliest_delivery: datetime.date | None = None

    @property
    def feasible(self) -> bool:
        return self.plan.feasible

    @property
    def baskets(self) -> int:
        return sum(self.design_counts.values())

    @property
    def largest_baskets(self) -> int:
        return sum(self.largest_counts.values())


def design_demand(design_counts: dict[int, int]) -> dict[int, int]:
    """Units per product for ``design_counts`` ({design id: baskets}), packaging included (2 queries)."""
    demand: dict[int, int] = {}
    for item in BasketDesignItem.objects.filter(design_id__in=list(design_counts)).values(
        "design_id", "product_id", "quantity"
    ):
        demand[item["product_id"]] = (
            demand.get(item["product_id"], 0) + item["quantity"] * design_counts[item["design_id"]]
        )
    for design_id, packaging_id in BasketDesign.objects.filter(pk__in=list(design_counts)).values_list(
        "pk", "basket_type__packaging_product_id"
    ):
        if packaging_id:
            demand[packaging_id] = demand.get(packaging_id, 0) + design_counts[design_id]
    return demand


def _scaled(design_counts: dict[int, int], total: int) -> dict[int, int]:
    """``design_counts`` scaled down to ``total`` baskets, by largest remainder, in design order."""
    whole = sum(design_counts.values())
    if total >= whole:
        return dict(design_counts)
    shares = {d: c * total / whole for d, c in design_counts.items()}
    counts = {d: int(share) for d, share in shares.items()}
    for d in sorted(shares, key=lambda d: (-(shares[d] - counts[d]), d))[: total - sum(counts.values())]:
        counts[d] += 1
    return counts


def _fits(demand: dict[int, int], available: dict[int, int]) -> bool:
    return all(units <= available.get(product_id, 0) for product_id, units in demand.items())


def bulk_sourcing(
    *,
    design_counts: dict[int, int],
    requested_delivery_date: datetime.date,
    today: datetime.date | None = None,
) -> BulkSourcing:
    """Source the order's items for the requested date; when short, the largest quantity and earliest date."""
    today = today or datetime.date.today()
    need_by = need_by_for(requested_delivery_date)
    demand = design_demand(design_counts)
    offers = offers_load(demand, today=today)
    plan = plan_solve(demand, offers, need_by=need_by, today=today)
    sourcing = BulkSourcing(
        requested_delivery_date=requested_delivery_date,
        need_by=need_by,
        design_counts=dict(design_counts),
        plan=plan,
    )
    titles = dict(Product.objects.filter(pk__in=list(demand)).values_list("pk", "title"))
    partner_ids = {a.partner_id for item in plan.items.values() for a in item.allocations}
    names = dict(Partner.objects.filter(pk__in=partner_ids).values_list("pk", "name"))
    rsov = {o.partner_id for product_offers in offers.values() for o in product_offers if o.is_rsov}
    for product_id, item in plan.items.items():
        suppliers = [
            SupplierRow(
                vendor=names.get(a.partner_id, ""),
                is_rsov=a.partner_id in rsov,
                from_stock=a.from_stock,
                by_week=[
                    (monday.isocalendar().week, monday, units) for monday, units in sorted(a.by_week.items())
                ],
            )
            for a in sorted(item.allocations, key=lambda a: (-a.units, names.get(a.partner_id, "")))
        ]
        sourcing.items.append(
            SourcedItem(
                product_id=product_id,
                title=titles.get(product_id, ""),
                quantity=item.quantity,
                suppliers=suppliers,
                shortfall=item.shortfall,
            )
        )
    sourcing.items.sort(key=lambda i: (-i.shortfall, i.title))
    if not plan.feasible:
        available = {
            product_id: sum(o.available_by(need_by=need_by, today=today) for o in product_offers)
            for product_id, product_offers in offers.items()
        }
        low, high = 0, sourcing.baskets
        while low < high:  # the most baskets (same mix of designs) whose units all fit by need_by
            middle = (low + high + 1) // 2
            if _fits(design_demand_scaled(demand, design_counts, middle), available):
                low = middle
            else:
                high = middle - 1
        sourcing.largest_counts = _scaled(design_counts, low)
        # The whole order as one "basket": the first day all its units can be had.
        earliest = earliest_date_for(demand, 1, today=today, offers=offers)
        sourcing.earliest_delivery = delivery_date_for(earliest) if earliest else None
    return sourcing


def design_demand_scaled(
    demand_full: dict[int, int], design_counts: dict[int, int], total: int
) -> dict[int, int]:
    """An upper bound of the units per product for ``total`` baskets of the same mix (no queries)."""
    whole = sum(design_counts.values()) or 1
    # Units scale with the baskets; rounding up keeps the check on the safe side.
    return {product_id: -(-units * total // whole) for product_id, units in demand_full.items()}

"""Writes on offer capacity."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from marketplace.errors import RuleViolation
from supply.models import CapacityReservation, OfferCapacity


@transaction.atomic
def capacity_set(*, stockrecord, units_per_week: int, lead_time_days: int) -> OfferCapacity:
    """Create or change an offer's capacity; refuses bad values (ValidationError) and saves nothing then."""
    capacity = OfferCapacity.objects.select_for_update().filter(stockrecord=stockrecord).first()
    if capacity is None:
        capacity = OfferCapacity(stockrecord=stockrecord)
    capacity.units_per_week = units_per_week
    capacity.lead_time_days = lead_time_days
    capacity.full_clean()
    capacity.save()
    return capacity


class CapacityExhausted(ValidationError, RuleViolation):
    """The capacity a plan counts on has been promised to another order meanwhile.

    ``product_id``, ``stockrecord_id``, ``week``, ``units`` (wanted) and ``free`` name the first
    week that no longer fits, so a caller can tell the buyer which item ran short.
    """

    def __init__(self, message, *, product_id=None, stockrecord_id=None, week=None, units=0, free=0):
        super().__init__(message)
        self.product_id, self.stockrecord_id, self.week = product_id, stockrecord_id, week
        self.units, self.free = units, free


def capacity_reserve(*, plan, reference: str, order=None) -> list[CapacityReservation]:
    """Promise the capacity weeks of ``plan`` to ``reference`` (e.g. "bulk-order:12"); all or nothing.

    Locks the offers' capacity rows (in stock record order, so two orders never deadlock), adds
    up what is already promised per week and refuses with CapacityExhausted, saving nothing,
    when a week would be promised beyond the offer's units per week. Two concurrent orders
    competing for the same weeks queue on the locks; the second sees the first's promise.
    """
    wanted: dict[tuple[int, datetime.date], int] = {}
    product_of: dict[int, int] = {}
    for item in plan.items.values():
        for allocation in item.allocations:
            product_of[allocation.stockrecord_id] = allocation.product_id
            for monday, units in allocation.by_week.items():
                if units:
                    key = (allocation.stockrecord_id, monday)
                    wanted[key] = wanted.get(key, 0) + units
    with transaction.atomic():
        held = CapacityReservation.objects.filter(
            reference=reference, status=CapacityReservation.Status.RESERVED
        )
        if not wanted and not held.exists():
            return []
        # The reference's earlier promise is replaced: lock its offers too, in the same order.
        stockrecord_ids = sorted(
            {stockrecord_id for stockrecord_id, _monday in wanted}
            | set(held.values_list("stockrecord_id", flat=True))
        )
        capacities = {
            capacity.stockrecord_id: capacity
            for capacity in OfferCapacity.objects.select_for_update()
            .filter(stockrecord_id__in=stockrecord_ids)
            .order_by("stockrecord_id")
        }
        existing = list(held.order_by("stockrecord_id", "week"))
        if sorted((r.stockrecord_id, r.week, r.units) for r in existing) == sorted(
            (sr, monday, units) for (sr, monday), units in wanted.items()
        ):
            return existing  # the same promise again: a no-op
        promised = {
            (row["stockrecord_id"], row["week"]): row["units"]
            for row in CapacityReservation.objects.filter(
                stockrecord_id__in=stockrecord_ids,
                status=CapacityReservation.Status.RESERVED,
                week__in=sorted({monday for _sr, monday in wanted}),
            )
            .exclude(reference=reference)
            .values("stockrecord_id", "week")
            .annotate(units=Sum("units"))
        }
        for (stockrecord_id, monday), units in sorted(wanted.items()):
            capacity = capacities.get(stockrecord_id)
            free = (capacity.units_per_week if capacity else 0) - promised.get((stockrecord_id, monday), 0)
            if units > free:
                raise CapacityExhausted(
                    _(
                        "%(units)d units in the week of %(week)s are no longer free for offer %(offer)s "
                        "(%(free)d left)."
                    )
                    % {
                        "units": units,
                        "week": monday.strftime("%d.%m.%Y"),
                        "offer": stockrecord_id,
                        "free": max(free, 0),
                    },
                    product_id=product_of.get(stockrecord_id),
                    stockrecord_id=stockrecord_id,
                    week=monday,
                    units=units,
                    free=max(free, 0),
                )
        held.update(status=CapacityReservation.Status.RELEASED)
        return CapacityReservation.objects.bulk_create(
            [
                CapacityReservation(
                    stockrecord_id=stockrecord_id, week=monday, units=units, order=order, reference=reference
                )
                for (stockrecord_id, monday), units in sorted(wanted.items())
            ]
        )


def _reservations_set_status(*, status, reference, order, stockrecord_ids) -> int:
    if reference is None and order is None:
        raise ValueError("Say whose capacity it is (reference or order).")
    reservations = CapacityReservation.objects.filter(status=CapacityReservation.Status.RESERVED)
    if reference is not None:
        reservations = reservations.filter(reference=reference)
    if order is not None:
        reservations = reservations.filter(order=order)
    if stockrecord_ids is not None:
        reservations = reservations.filter(stockrecord_id__in=list(stockrecord_ids))
    return reservations.update(status=status)


def capacity_release(*, reference: str | None = None, order=None, stockrecord_ids=None) -> int:
    """Give back the capacity promised to ``reference`` or ``order`` (or only some offers); returns rows."""
    return _reservations_set_status(
        status=CapacityReservation.Status.RELEASED,
        reference=reference,
        order=order,
        stockrecord_ids=stockrecord_ids,
    )


def capacity_attach(*, reference: str, order) -> int:
    """Tie the capacity promised to ``reference`` (a quote or bulk order) to the Oscar order placed for it."""
    return CapacityReservation.objects.filter(
        reference=reference, status=CapacityReservation.Status.RESERVED
    ).update(order=order)


def capacity_consume(*, reference: str | None = None, order=None, stockrecord_ids=None) -> int:
    """Mark promised capacity as used (the units were made and delivered); returns rows."""
    return _reservations_set_status(
        status=CapacityReservation.Status.CONSUMED,
        reference=reference,
        order=order,
        stockrecord_ids=stockrecord_ids,
    )

"""Reads on offer capacity."""

import datetime

from django.db.models import Sum

from supply.models import CapacityReservation, week_start


def capacity_promised_by_week(*, stockrecord, weeks: int, start: datetime.date | None = None) -> list[dict]:
    """Per ISO week from ``start``'s week on (``weeks`` of them): capacity, promised and free units.

    Two queries (reservations, capacity unless already loaded), whatever the number of weeks.
    """
    first = week_start(start or datetime.date.today())
    mondays = [first + datetime.timedelta(weeks=i) for i in range(weeks)]
    promised = dict(
        CapacityReservation.objects.filter(
            stockrecord=stockrecord,
            status=CapacityReservation.Status.RESERVED,
            week__gte=first,
            week__lte=mondays[-1] if mondays else first,
        )
        .values_list("week")
        .annotate(units=Sum("units"))
        .values_list("week", "units")
    )
    capacity = getattr(stockrecord, "capacity", None)
    per_week = capacity.units_per_week if capacity else 0
    return [
        {
            "week": monday,
            "capacity": per_week,
            "promised": promised.get(monday, 0),
            "free": max(per_week - promised.get(monday, 0), 0),
        }
        for monday in mondays
    ]

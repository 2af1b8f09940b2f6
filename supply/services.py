"""Writes on offer capacity."""

from django.db import transaction

from supply.models import OfferCapacity


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

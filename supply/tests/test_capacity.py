"""Offer capacity: the model refuses bad values; promised capacity is summed per ISO week."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from oscar.test.factories import create_stockrecord

from supply.models import CapacityReservation, OfferCapacity
from supply.selectors import capacity_promised_by_week
from supply.services import capacity_set

pytestmark = pytest.mark.django_db


@pytest.fixture
def stockrecord():
    return create_stockrecord(num_in_stock=10, partner_name="Værkstedet")


def test_capacity_set_creates_then_updates_one_row(stockrecord):
    # when
    capacity_set(stockrecord=stockrecord, units_per_week=40, lead_time_days=7)
    capacity_set(stockrecord=stockrecord, units_per_week=60, lead_time_days=14)
    # then
    stockrecord.refresh_from_db()
    assert OfferCapacity.objects.filter(stockrecord=stockrecord).count() == 1
    assert (stockrecord.capacity.units_per_week, stockrecord.capacity.lead_time_days) == (60, 14)


@pytest.mark.parametrize(
    ("units", "lead", "field"),
    [
        (-1, 7, "units_per_week"),
        (40, -3, "lead_time_days"),
        ("fyrre", 7, "units_per_week"),
        (40, "en uge", "lead_time_days"),
        (10**9, 7, "units_per_week"),
        (40, 10_000, "lead_time_days"),
        (None, 7, "units_per_week"),
    ],
)
def test_capacity_set_refuses_bad_input_and_saves_nothing(stockrecord, units, lead, field):
    # given
    capacity_set(stockrecord=stockrecord, units_per_week=40, lead_time_days=7)
    # when
    with pytest.raises(ValidationError) as error:
        capacity_set(stockrecord=stockrecord, units_per_week=units, lead_time_days=lead)
    # then
    assert field in error.value.message_dict
    capacity = OfferCapacity.objects.get(stockrecord=stockrecord)
    assert (capacity.units_per_week, capacity.lead_time_days) == (40, 7)


def test_database_refuses_absurd_capacity_even_without_the_model_check(stockrecord):
    # when / then
    with pytest.raises(IntegrityError), transaction.atomic():
        OfferCapacity.objects.create(stockrecord=stockrecord, units_per_week=100_001, lead_time_days=0)


def test_database_refuses_a_reservation_week_that_is_not_a_monday(stockrecord):
    # when / then
    with pytest.raises(IntegrityError), transaction.atomic():
        CapacityReservation.objects.create(stockrecord=stockrecord, week=datetime.date(2026, 12, 8), units=5)


def test_promised_by_week_sums_only_reserved_units_per_week(stockrecord, django_assert_max_num_queries):
    # given: a workshop making 40 a week, with 25 + 10 promised in one week, 5 released in the next
    capacity_set(stockrecord=stockrecord, units_per_week=40, lead_time_days=7)
    stockrecord.refresh_from_db()
    monday = datetime.date(2026, 12, 7)
    next_monday = monday + datetime.timedelta(weeks=1)
    CapacityReservation.objects.create(
        stockrecord=stockrecord, week=monday, units=25, reference="bulk-order:1"
    )
    CapacityReservation.objects.create(
        stockrecord=stockrecord, week=monday, units=10, reference="bulk-order:2"
    )
    CapacityReservation.objects.create(
        stockrecord=stockrecord,
        week=next_monday,
        units=5,
        reference="bulk-order:3",
        status=CapacityReservation.Status.RELEASED,
    )
    # when
    with django_assert_max_num_queries(2):
        weeks = capacity_promised_by_week(stockrecord=stockrecord, weeks=3, start=datetime.date(2026, 12, 9))
    # then
    assert [(w["week"], w["capacity"], w["promised"], w["free"]) for w in weeks] == [
        (monday, 40, 35, 5),
        (next_monday, 40, 0, 40),
        (monday + datetime.timedelta(weeks=2), 40, 0, 40),
    ]

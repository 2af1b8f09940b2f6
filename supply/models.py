"""Capacity of an offer (a vendor's StockRecord) and the capacity promised to orders, per ISO week."""

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

MAX_UNITS_PER_WEEK = 100_000
MAX_LEAD_TIME_DAYS = 365


def week_start(day: datetime.date) -> datetime.date:
    """The Monday of the ISO week that holds ``day``."""
    return day - datetime.timedelta(days=day.weekday())


class OfferCapacity(models.Model):
    """What an offer can make besides its stock on hand: units per week, ready after a lead time."""

    stockrecord = models.OneToOneField(
        "partner.StockRecord", on_delete=models.CASCADE, related_name="capacity", verbose_name=_("offer")
    )
    units_per_week = models.PositiveIntegerField(
        _("units per week"),
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_UNITS_PER_WEEK)],
        help_text=_("How many units the enterprise can make in one week, besides its stock."),
    )
    lead_time_days = models.PositiveIntegerField(
        _("lead time (days)"),
        default=0,
        validators=[MinValueValidator(0), MaxValueValidator(MAX_LEAD_TIME_DAYS)],
        help_text=_("Days from the order until the first units made can be delivered."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("offer capacity")
        verbose_name_plural = _("offer capacities")
        constraints = [
            models.CheckConstraint(
                condition=Q(units_per_week__gte=0) & Q(units_per_week__lte=MAX_UNITS_PER_WEEK),
                name="supply_capacity_units_per_week_in_range",
            ),
            models.CheckConstraint(
                condition=Q(lead_time_days__gte=0) & Q(lead_time_days__lte=MAX_LEAD_TIME_DAYS),
                name="supply_capacity_lead_time_in_range",
            ),
        ]

    def __str__(self):
        return f"{self.stockrecord}: {self.units_per_week}/week, {self.lead_time_days} d"

    def clean(self):
        super().clean()
        for field in ("units_per_week", "lead_time_days"):
            value = getattr(self, field)
            if value is None or isinstance(value, bool) or not isinstance(value, int):
                raise ValidationError({field: _("Enter a whole number.")})


class CapacityReservation(models.Model):
    """Capacity of one offer in one ISO week promised to an order (bulk order or quote)."""

    class Status(models.TextChoices):
        RESERVED = "reserved", _("Reserved")
        RELEASED = "released", _("Released")
        CONSUMED = "consumed", _("Consumed")

    stockrecord = models.ForeignKey(
        "partner.StockRecord", on_delete=models.PROTECT, related_name="capacity_reservations"
    )
    week = models.DateField(_("week (Monday)"))
    units = models.PositiveIntegerField(_("units"), validators=[MinValueValidator(1)])
    order = models.ForeignKey(
        "order.Order", null=True, blank=True, on_delete=models.SET_NULL, related_name="capacity_reservations"
    )
    reference = models.CharField(
        _("reference"),
        max_length=64,
        blank=True,
        db_index=True,
        help_text=_("E.g. bulk-order:12 or quote:3."),
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.RESERVED)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("capacity reservation")
        verbose_name_plural = _("capacity reservations")
        indexes = [models.Index(fields=["stockrecord", "week", "status"])]
        constraints = [
            models.CheckConstraint(condition=Q(units__gte=1), name="supply_reservation_units_positive"),
            models.CheckConstraint(condition=Q(week__week_day=2), name="supply_reservation_week_is_monday"),
        ]

    def __str__(self):
        return f"{self.units} × {self.stockrecord} in week of {self.week} ({self.status})"

    def clean(self):
        super().clean()
        if self.week is not None and self.week.weekday() != 0:
            raise ValidationError({"week": _("A week is given by its Monday.")})

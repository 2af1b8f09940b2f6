"""Stock for card payments: allocated in one locked step when the buyer presses "Pay", given back on release.

Two buyers can never pay for the same last unit; the order is then placed without
Oscar's own (unlocked) allocation.
"""

from __future__ import annotations

from django.db.models import F
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from oscar.core.loading import get_class, get_model

from .errors import StockUnavailable

StockRecord = get_model("partner", "StockRecord")
OrderCreator = get_class("order.utils", "OrderCreator")


def _basket_stock_needs(basket) -> dict[int, int]:
    needs: dict[int, int] = {}
    for line in basket.all_lines():
        if line.stockrecord_id and line.product.get_product_class().track_stock:
            needs[line.stockrecord_id] = needs.get(line.stockrecord_id, 0) + line.quantity
    return needs


def stock_allocate(*, basket) -> list[list[int]]:
    """Allocate the basket's stock in one locked step, or raise StockUnavailable changing nothing.

    Rows are locked in primary-key order so concurrent checkouts cannot deadlock.
    Must run inside a transaction.
    """
    needs = _basket_stock_needs(basket)
    records = (
        StockRecord.objects.select_for_update().select_related("product").filter(pk__in=needs).order_by("pk")
    )
    problems = []
    for record in records:
        available = (record.num_in_stock or 0) - (record.num_allocated or 0)
        if needs[record.pk] > available:
            problems.append(
                _("Sorry, %(product)s has run out: %(available)d left, your basket has %(wanted)d.")
                % {
                    "product": record.product.get_title(),
                    "available": max(available, 0),
                    "wanted": needs[record.pk],
                }
            )
    if problems:
        raise StockUnavailable(problems)
    for record_id, quantity in needs.items():
        # Coalesce like Oscar's own StockRecord.allocate: NULL + n would stay NULL and reserve nothing.
        allocated = Coalesce(F("num_allocated"), 0) + quantity
        StockRecord.objects.filter(pk=record_id).update(num_allocated=allocated)
    return [[record_id, quantity] for record_id, quantity in sorted(needs.items())]


def stock_release(*, allocations: list[list[int]]) -> None:
    """Give back what `stock_allocate` took (never below zero)."""
    ids = [a[0] for a in allocations]
    records = StockRecord.objects.select_for_update().filter(pk__in=ids).order_by("pk")
    by_id = {record.pk: record for record in records}
    for record_id, quantity in allocations:
        record = by_id.get(record_id)
        if record is not None:
            record.num_allocated = max((record.num_allocated or 0) - quantity, 0)
            record.save(update_fields=["num_allocated"])


class AllocatedStockOrderCreator(OrderCreator):  # type: ignore[misc,valid-type]  # get_class's class
    """Oscar's OrderCreator, minus the unlocked allocation: stock was allocated before payment."""

    def update_stock_records(self, line):
        return None

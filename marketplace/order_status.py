"""Oscar's order and line statuses, as enums, and the names people see for them.

OSCAR_ORDER_STATUS_PIPELINE and OSCAR_LINE_STATUS_PIPELINE (settings) are built from these
enums. The database stores the English values (Oscar compares them as strings, so they stay
as they are); pages show the labels, in the page's language. A status missing here is shown
as stored.
"""

from django.db.models import TextChoices
from django.utils.translation import pgettext_lazy


class OrderStatus(TextChoices):
    PENDING = "Pending", pgettext_lazy("order status", "Pending")
    PAID = "Paid", pgettext_lazy("order status", "Paid")
    BEING_PROCESSED = "Being processed", pgettext_lazy("order status", "Being processed")
    SHIPPED = "Shipped", pgettext_lazy("order status", "Shipped")
    COMPLETE = "Complete", pgettext_lazy("order status", "Complete")
    CANCELLED = "Cancelled", pgettext_lazy("order status", "Cancelled")


class LineStatus(TextChoices):
    """An order line's status follows its vendor order (fulfilment.services.vendor_order_advance)."""

    PENDING = "Pending", pgettext_lazy("order status", "Pending")
    ACCEPTED = "Accepted", pgettext_lazy("order status", "Accepted")
    PACKED = "Packed", pgettext_lazy("order status", "Packed")
    DELIVERED = "Delivered", pgettext_lazy("order status", "Delivered")
    CANCELLED = "Cancelled", pgettext_lazy("order status", "Cancelled")


STATUS_LABELS = {**dict(OrderStatus.choices), **dict(LineStatus.choices)}


def status_label(status: str | None) -> str:
    """The status as a person reads it ("Pending" -> "Afventer" on a Danish page)."""
    if not status:
        return ""
    return str(STATUS_LABELS.get(status, status))

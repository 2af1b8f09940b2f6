"""The names people see for Oscar's order and line statuses.

OSCAR_ORDER_STATUS_PIPELINE and OSCAR_LINE_STATUS_PIPELINE store English names in the
database (Oscar compares them as strings, so they stay as they are); pages show them through
this map, in the page's language. A status missing here is shown as stored.
"""

from django.utils.translation import pgettext_lazy

STATUS_LABELS = {
    "Pending": pgettext_lazy("order status", "Pending"),
    "Paid": pgettext_lazy("order status", "Paid"),
    "Being processed": pgettext_lazy("order status", "Being processed"),
    "Shipped": pgettext_lazy("order status", "Shipped"),
    "Complete": pgettext_lazy("order status", "Complete"),
    "Accepted": pgettext_lazy("order status", "Accepted"),
    "Packed": pgettext_lazy("order status", "Packed"),
    "Delivered": pgettext_lazy("order status", "Delivered"),
    "Cancelled": pgettext_lazy("order status", "Cancelled"),
}


def status_label(status: str | None) -> str:
    """The status as a person reads it ("Pending" -> "Afventer" on a Danish page)."""
    if not status:
        return ""
    return str(STATUS_LABELS.get(status, status))

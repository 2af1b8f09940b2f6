"""The vendor workflow: a vendor order accepted, packed, delivered (or shipped), cancelled."""

from collections import defaultdict

from django.db import transaction

from marketplace.errors import RuleViolation
from marketplace.order_status import LineStatus

from ..models import VendorOrder, VendorOrderLine
from .cancellation import order_cancel
from .events import (
    SHIPPING_EVENT_DELIVERED_TO_HUB,
    SHIPPING_EVENT_PACKED,
    SHIPPING_EVENT_SHIPPED,
    _shipping_event_record,
    order_status_follow,
)
from .payouts import _vendor_order_payout_cancel


class WorkflowError(RuleViolation):
    """A vendor order cannot make the requested step from its current status."""


# Which vendor-order step moves from which statuses, and the Oscar line status it sets.
# to status: (the statuses it may follow, the Oscar line status it sets)
_STEPS: dict[str, tuple[set[str], str]] = {
    VendorOrder.Status.ACCEPTED: ({VendorOrder.Status.NEW}, LineStatus.ACCEPTED),
    VendorOrder.Status.PACKED: ({VendorOrder.Status.NEW, VendorOrder.Status.ACCEPTED}, LineStatus.PACKED),
    VendorOrder.Status.DELIVERED: (
        {VendorOrder.Status.NEW, VendorOrder.Status.ACCEPTED, VendorOrder.Status.PACKED},
        LineStatus.DELIVERED,
    ),
    VendorOrder.Status.CANCELLED: (
        {VendorOrder.Status.NEW, VendorOrder.Status.ACCEPTED, VendorOrder.Status.PACKED},
        LineStatus.CANCELLED,
    ),
}


def vendor_order_advance(
    *, vendor_order_id: int, to_status: str, shipped: bool = False, user=None, notes: str = ""
) -> VendorOrder:
    """Move a vendor order one step (accept, packed, delivered/shipped, cancelled).

    Repeating a step already taken is a no-op; an impossible step raises
    WorkflowError. Oscar line statuses and shipping events follow, and the
    order's status follows its vendor orders.
    """
    with transaction.atomic():
        vendor_order = VendorOrder.objects.select_for_update().get(pk=vendor_order_id)
        if vendor_order.status == to_status:
            return vendor_order
        allowed_from, line_status = _STEPS[to_status]
        if vendor_order.status not in allowed_from:
            raise WorkflowError(
                f"A vendor order that is {vendor_order.get_status_display()} cannot become "
                f"{VendorOrder.Status(to_status).label}"
            )
        vendor_order.status = to_status
        vendor_order.save(update_fields=["status", "updated_at"])
        vendor_order.lines.update(status=line_status)
        if to_status == VendorOrder.Status.PACKED:
            _shipping_event_record(
                order=vendor_order.order, vendor_order=vendor_order, code=SHIPPING_EVENT_PACKED, notes=notes
            )
        elif to_status == VendorOrder.Status.DELIVERED:
            code = SHIPPING_EVENT_SHIPPED if shipped else SHIPPING_EVENT_DELIVERED_TO_HUB
            _shipping_event_record(
                order=vendor_order.order, vendor_order=vendor_order, code=code, notes=notes
            )
        elif to_status == VendorOrder.Status.CANCELLED:
            # Staff cancel the whole vendor order (a packed one too: staff have told the vendor).
            units: dict[int, int] = defaultdict(int)
            for line_id, quantity in VendorOrderLine.objects.filter(
                vendor_order=vendor_order, status=VendorOrderLine.Status.ACTIVE
            ).values_list("line_id", "quantity"):
                units[line_id] += quantity
            if units:
                order_cancel(
                    order=vendor_order.order,
                    lines=dict(units),
                    by=user,
                    reason=notes,
                    packed_ok=True,
                    only_vendor_order_id=vendor_order.pk,
                )
            else:
                _vendor_order_payout_cancel(vendor_order=vendor_order)
            vendor_order.refresh_from_db()
        order_status_follow(order_id=vendor_order.order_id)
    return vendor_order

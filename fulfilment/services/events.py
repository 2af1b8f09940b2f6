"""The order's side of the vendor workflow: Oscar shipping events and the order status.

The order's status follows its vendor orders; each vendor order's packing, delivery and
cancellation is an Oscar shipping event on the order for the units it concerns.
"""

from collections import defaultdict

from django.utils.translation import gettext_noop
from oscar.core.loading import get_model

from marketplace.order_status import OrderStatus

from ..models import VendorOrder, VendorOrderLine

Order = get_model("order", "Order")
ShippingEventType = get_model("order", "ShippingEventType")
ShippingEvent = get_model("order", "ShippingEvent")
ShippingEventQuantity = get_model("order", "ShippingEventQuantity")

SHIPPING_EVENT_PACKED = "packed"
SHIPPING_EVENT_DELIVERED_TO_HUB = "delivered-to-hub"
SHIPPING_EVENT_SHIPPED = "shipped"
SHIPPING_EVENT_CANCELLED = "cancelled"
# Stored untranslated in Oscar's ShippingEventType; pages translate them when shown.
_EVENT_NAMES = {
    SHIPPING_EVENT_PACKED: gettext_noop("Packed"),
    SHIPPING_EVENT_DELIVERED_TO_HUB: gettext_noop("Delivered to hub"),
    SHIPPING_EVENT_SHIPPED: gettext_noop("Shipped"),
    SHIPPING_EVENT_CANCELLED: gettext_noop("Cancelled"),
}


def _shipping_event_record(
    *, vendor_order: VendorOrder, code: str, notes: str = "", quantities: dict[int, int] | None = None
) -> None:
    """An Oscar shipping event for the vendor order's active units (or the given {line id: units})."""
    if quantities is None:
        quantities = defaultdict(int)
        for line_id, quantity in VendorOrderLine.objects.filter(
            vendor_order=vendor_order, status=VendorOrderLine.Status.ACTIVE
        ).values_list("line_id", "quantity"):
            quantities[line_id] += quantity
    if not quantities:
        return
    event_type, _created = ShippingEventType.objects.get_or_create(
        code=code, defaults={"name": _EVENT_NAMES[code]}
    )
    event = ShippingEvent.objects.create(order_id=vendor_order.order_id, event_type=event_type, notes=notes)
    ShippingEventQuantity.objects.bulk_create(
        [
            ShippingEventQuantity(event=event, line_id=line_id, quantity=quantity)
            for line_id, quantity in sorted(quantities.items())
        ]
    )


def _order_status_move(order, target: str) -> None:
    if order.status == target:
        return
    if target not in order.available_statuses() and OrderStatus.BEING_PROCESSED in order.available_statuses():
        order.set_status(OrderStatus.BEING_PROCESSED)
    if target in order.available_statuses():
        order.set_status(target)


def order_status_follow(*, order_id: int) -> None:
    """The order's status follows its vendor orders.

    Work started on any part -> "Being processed"; every part that is not
    cancelled delivered -> "Shipped"; every part cancelled -> "Cancelled".
    """
    order = Order.objects.select_for_update().get(pk=order_id)
    statuses = list(VendorOrder.objects.filter(order_id=order_id).values_list("status", flat=True))
    if not statuses:
        return
    live = [s for s in statuses if s != VendorOrder.Status.CANCELLED]
    if not live:
        _order_status_move(order, OrderStatus.CANCELLED)
    elif all(s == VendorOrder.Status.DELIVERED for s in live):
        _order_status_move(order, OrderStatus.SHIPPED)
    elif any(s != VendorOrder.Status.NEW for s in live) and order.status in (
        OrderStatus.PENDING,
        OrderStatus.PAID,
    ):
        if order.status == OrderStatus.PAID or OrderStatus.BEING_PROCESSED in order.available_statuses():
            _order_status_move(order, OrderStatus.BEING_PROCESSED)

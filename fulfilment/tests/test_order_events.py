"""The order's history in Oscar: each vendor's packing, delivery and cancellation as shipping events
with its own units and notes, and the order's status changes as the vendor orders move."""

import pytest
from django.contrib.auth import get_user_model
from oscar.core.loading import get_model

from fulfilment import services
from fulfilment.models import VendorOrder
from fulfilment.tests.factories import place_order

ShippingEvent = get_model("order", "ShippingEvent")


def _events(order):
    """[(code, name, notes, {line id: units})] in the order they were recorded."""
    return [
        (
            event.event_type.code,
            event.event_type.name,
            event.notes,
            {q.line_id: q.quantity for q in event.line_quantities.all()},
        )
        for event in ShippingEvent.objects.filter(order=order).select_related("event_type").order_by("pk")
    ]


@pytest.mark.django_db
def test_each_vendors_steps_are_shipping_events_with_its_units_and_the_order_status_follows(demo_vendors):
    # given: 7 coffee (Ristet Rø) and 3 honey (Havefolket), split; staff cancel 3 of the coffee
    order = place_order(loose=[("RR-KAF-01", 7), ("HF-HON-01", 3)])
    services.order_split(order_id=order.pk)
    lines = {line.partner_sku: line for line in order.lines.all()}
    coffee, honey = lines["RR-KAF-01"], lines["HF-HON-01"]
    parts = {vo.partner.code: vo for vo in VendorOrder.objects.filter(order=order).select_related("partner")}
    admin = get_user_model().objects.get(email="admin@faelleskurv.example")
    services.order_cancel(order=order, lines={coffee.pk: 3}, by=admin, reason="Kunden ringede")

    # when: the roaster packs (with a note) and delivers to the hub, the honey is shipped
    services.vendor_order_advance(
        vendor_order_id=parts["ristet-ro"].pk, to_status=VendorOrder.Status.PACKED, notes="Kasse 2"
    )
    order.refresh_from_db()
    status_while_packing = order.status
    services.vendor_order_advance(
        vendor_order_id=parts["ristet-ro"].pk, to_status=VendorOrder.Status.DELIVERED
    )
    services.vendor_order_advance(
        vendor_order_id=parts["havefolket"].pk, to_status=VendorOrder.Status.DELIVERED, shipped=True
    )

    # then: one event per step, with the units of that vendor only and the notes given
    assert _events(order) == [
        ("cancelled", "Cancelled", f"Kunden ringede ({admin})", {coffee.pk: 3}),
        ("packed", "Packed", "Kasse 2", {coffee.pk: 4}),
        ("delivered-to-hub", "Delivered to hub", "", {coffee.pk: 4}),
        ("shipped", "Shipped", "", {honey.pk: 3}),
    ]
    # and the order went "Being processed" with the first step and "Shipped" with the last part
    order.refresh_from_db()
    assert status_while_packing == "Being processed"
    assert order.status == "Shipped"
    changes = list(order.status_changes.order_by("pk").values_list("old_status", "new_status"))
    assert changes == [("Pending", "Being processed"), ("Being processed", "Shipped")]

"""A vendor's journey in the browser: find the vendor order, read the pick list, accept and deliver it."""

import pytest
from django.core.management import call_command
from django.utils import translation

from fulfilment.models import VendorOrder
from fulfilment.tests.factories import place_order


def _danish(label) -> str:
    with translation.override("da"):
        return str(label)


BASKET = [("HF-VIN-01", 1), ("RR-KAF-01", 2), ("SB-SMA-01", 1)]


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_vendor_reads_its_pick_list_accepts_and_marks_the_order_delivered_to_the_hub(
    demo_vendors, live_server, page
):
    # given: a placed and split order with coffee from Ristet Ro in two gift baskets
    order = place_order(baskets=[("Julekurv til Karen", BASKET), ("Kaffekurv", BASKET[1:2])])
    call_command("split_orders", "--order", order.number)

    # when: the vendor logs in and opens its vendor orders
    page.goto(f"{live_server.url}/da/accounts/login/?next=/da/dashboard/vendor-orders/")
    page.fill("#id_login-username", "ristet-ro@faelleskurv.example")
    page.fill("#id_login-password", "faelleskurv")
    page.click("button[name=login_submit]")
    page.wait_for_url("**/dashboard/vendor-orders/")
    rows = page.locator("table.vendor-orders tbody tr")

    # then: it sees only its own part of the order
    assert rows.count() == 1
    assert "Ristet Ro Kafferisteri" in rows.first.inner_text()

    # when: it opens the vendor order and reads the pick list
    page.click(f"text={order.number}")
    table = page.locator("table.pick-list").inner_text()
    assert "Espresso Morgenrøde" in table
    assert "Julekurv til Karen" in table and "Kaffekurv" in table
    assert "Søndergade 41" in page.content()

    # when: it accepts, then marks the coffee delivered to the hub
    page.click("button[value=accept]")
    assert page.locator(".vendor-order-status").inner_text() == _danish(VendorOrder.Status.ACCEPTED.label)
    page.click("button[value=delivered]")

    # then
    assert page.locator(".vendor-order-status").inner_text() == _danish(VendorOrder.Status.DELIVERED.label)
    vendor_order = VendorOrder.objects.get(order=order, partner__code="ristet-ro")
    assert vendor_order.status == VendorOrder.Status.DELIVERED
    assert set(vendor_order.lines.values_list("status", flat=True)) == {"Delivered"}

"""A vendor's journey in the browser: find the vendor order, read the pick list, accept and deliver it."""

import pytest
from django.core.management import call_command
from django.utils import translation
from playwright.sync_api import expect

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
    rows = page.get_by_test_id("vendor-order-row")

    # then: it sees only its own part of the order
    expect(rows).to_have_count(1)
    expect(rows).to_contain_text("Ristet Ro Kafferisteri")

    # when: it opens the vendor order and reads the pick list
    page.get_by_role("link", name=order.number, exact=True).click()
    coffee = page.get_by_test_id("pick-list").get_by_role("row").filter(has_text="Espresso Morgenrøde")
    expect(coffee).to_contain_text("Julekurv til Karen")
    expect(coffee).to_contain_text("Kaffekurv")
    expect(page.get_by_test_id("vendor-order-deliver-to")).to_contain_text("Søndergade 41")

    # when: it accepts, then marks the coffee delivered to the hub
    status = page.get_by_test_id("vendor-order-status")
    page.get_by_role("button", name="Accepter", exact=True).click()
    expect(status).to_have_text(_danish(VendorOrder.Status.ACCEPTED.label))
    page.get_by_role("button", name="Marker leveret til pakkehubben").click()

    # then
    expect(status).to_have_text(_danish(VendorOrder.Status.DELIVERED.label))
    vendor_order = VendorOrder.objects.get(order=order, partner__code="ristet-ro")
    assert vendor_order.status == VendorOrder.Status.DELIVERED
    assert set(vendor_order.lines.values_list("status", flat=True)) == {"Delivered"}

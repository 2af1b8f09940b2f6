"""Danish everywhere on /da/ (issue 14): the vendor dashboard and the storefront, signed in as a
vendor and as a buyer, show no English that Oscar brings along (its own da.po misses these),
and order and line statuses are shown in Danish."""

import re
from html.parser import HTMLParser
from pprint import pformat

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation
from oscar.core.loading import get_model

from fulfilment import services as fulfilment_services
from fulfilment.models import VendorOrder
from fulfilment.tests.conftest import demo_vendors  # noqa: F401 (fixture)
from fulfilment.tests.factories import place_order
from marketplace import demo

Product = get_model("catalogue", "Product")

pytestmark = pytest.mark.django_db

# Oscar strings that stayed English on Danish pages (issue 14), and the status names of
# OSCAR_ORDER_STATUS_PIPELINE / OSCAR_LINE_STATUS_PIPELINE and of vendor orders.
ENGLISH = (
    "Pending",
    "Is public",
    "Search engine optimisation",
    "Upselling",
    "Page 1 of",
    "Toggle Dropdown",
    "Toggle navigation",
    "Paid",
    "Being processed",
    "Shipped",
    "Complete",
    "Cancelled",
    "Accepted",
    "Packed",
    "Delivered",
)
# Attributes a person reads or hears (screen readers); other attribute values are code.
READ_ATTRIBUTES = {"title", "aria-label", "placeholder", "alt"}


class _VisibleText(HTMLParser):
    """What a reader of the page gets: text nodes and read attributes, no scripts or styles."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self._skip += 1
        self.parts += [value for name, value in attrs if name in READ_ATTRIBUTES and value]
        if tag == "input" and dict(attrs).get("type") in ("submit", "button"):
            self.parts.append(dict(attrs).get("value") or "")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible_text(page: str) -> str:
    parser = _VisibleText()
    parser.feed(page)
    return " ".join(" ".join(parser.parts).split())


def english_on(page: str) -> list[str]:
    text = visible_text(page)
    return [word for word in ENGLISH if re.search(rf"\b{re.escape(word)}\b", text)]


@pytest.fixture
def shop(demo_vendors, client):  # noqa: F811
    """A buyer's order with the vendor Havefolket's wine in it, split into vendor orders."""
    buyer = get_user_model().objects.get(email=demo.CUSTOMER_EMAIL)
    order = place_order(baskets=[("Julekurv", [("HF-VIN-01", 1), ("RR-KAF-01", 2)])], user=buyer)
    fulfilment_services.order_split(order_id=order.pk)
    vendor_user = get_user_model().objects.get(email=demo.vendor_email("havefolket"))
    return {
        "order": order,
        "buyer": buyer,
        "vendor_user": vendor_user,
        "vendor_order": VendorOrder.objects.get(order=order, partner__code="havefolket"),
        "product": Product.objects.get(stockrecords__partner_sku="HF-VIN-01"),
    }


def _pages_without_english(client, user, paths):
    client.force_login(user)
    found = {}
    for path in paths:
        response = client.get(path, follow=True)
        assert response.status_code == 200, path
        words = english_on(response.content.decode())
        if words:
            found[path] = words
    return found


def test_vendor_dashboard_pages_have_no_english_in_danish(client, shop):
    order, product = shop["order"], shop["product"]
    paths = [
        "/da/dashboard/",
        "/da/dashboard/catalogue/",
        f"/da/dashboard/catalogue/products/{product.pk}/",
        "/da/dashboard/orders/",
        f"/da/dashboard/orders/{order.number}/",
        "/da/dashboard/vendor-orders/",
        f"/da/dashboard/vendor-orders/{shop['vendor_order'].pk}/",
        "/da/dashboard/vendors/offers/",
        "/da/dashboard/vendors/profile/",
    ]

    found = _pages_without_english(client, shop["vendor_user"], paths)

    assert not found, pformat(found)


def test_storefront_pages_have_no_english_in_danish(client, shop):
    order, product = shop["order"], shop["product"]
    paths = [
        "/da/catalogue/",
        f"/da/catalogue/{product.slug}_{product.pk}/",
        "/da/basket/",
        "/da/gavekurve/",
        "/da/vendors/",
        "/da/accounts/",
        "/da/accounts/orders/",
        f"/da/accounts/orders/{order.number}/",
    ]

    found = _pages_without_english(client, shop["buyer"], paths)

    assert not found, pformat(found)


def test_order_and_line_statuses_are_shown_in_the_page_language(client, shop):
    order = shop["order"]
    client.force_login(shop["vendor_user"])

    danish = visible_text(client.get(f"/da/dashboard/orders/{order.number}/").content.decode())
    english = visible_text(client.get(f"/en/dashboard/orders/{order.number}/").content.decode())
    client.force_login(shop["buyer"])
    buyer = visible_text(client.get(f"/da/accounts/orders/{order.number}/").content.decode())

    assert "Ordrestatus: Afventer" in danish
    assert "Afventer Accepteret Pakket Leveret Annulleret" in danish  # the status choices
    assert "Order status: Pending" in english
    assert "Status Afventer" in buyer


def test_staff_order_pages_show_statuses_in_danish(client, shop):
    order = shop["order"]
    staff = get_user_model().objects.get(email=demo.STAFF_EMAIL)
    paths = ["/da/dashboard/orders/", f"/da/dashboard/orders/{order.number}/"]

    found = _pages_without_english(client, staff, paths)
    detail = client.get(paths[1]).content.decode()

    assert not found, pformat(found)
    assert '<option value="Accepted">Accepteret</option>' in detail  # the pipeline's name is posted
    assert '<option value="Paid">Betalt</option>' in detail  # Oscar's order status form
    client.post(paths[1], {"order_action": "change_order_status", "new_status": "Paid"})
    order.refresh_from_db()
    assert order.status == "Paid"
    assert "Afventer Betalt" in visible_text(client.get(paths[1]).content.decode())  # status changes table


def test_guest_order_page_shows_the_status_in_danish(client, demo_vendors):  # noqa: F811
    order = place_order(loose=[("HF-VIN-01", 1)])
    order.guest_email = "gaest@example.dk"
    order.save()
    session = client.session
    session["anon_order_email"] = order.guest_email  # as Oscar's order-status form leaves it
    session.save()
    with translation.override("da"):
        path = reverse(
            "customer:anon-order", kwargs={"order_number": order.number, "hash": order.verification_hash()}
        )

    response = client.get(path)

    assert path.startswith("/da/") and response.status_code == 200, (path, response.status_code)
    assert "Status Afventer" in visible_text(response.content.decode())
    assert english_on(response.content.decode()) == []


def test_every_pipeline_status_has_a_label(settings):
    from marketplace.order_status import STATUS_LABELS

    statuses = set()
    for pipeline in (settings.OSCAR_ORDER_STATUS_PIPELINE, settings.OSCAR_LINE_STATUS_PIPELINE):
        statuses.update(pipeline, *pipeline.values())

    assert statuses - set(STATUS_LABELS) == set()


def test_catalogue_pages_are_counted_in_danish(client, shop):
    text = visible_text(client.get("/da/catalogue/").content.decode())

    assert re.search(r"Side 1 af [2-9]", text)


def test_visible_text_ignores_attribute_values_but_reads_labels():
    page = '<select><option value="Pending">Afventer</option></select><button aria-label="Toggle navigation">'

    assert english_on(page) == ["Toggle navigation"]

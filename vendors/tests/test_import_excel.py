"""Files as Danish Excel writes them, and hostile files: read, or a row error, never a 500."""

import io
import time

import openpyxl
import pytest
from oscar.core.loading import get_model

from vendors.models import ProductImport
from vendors.tests.test_import import product_counts, upload

pytestmark = pytest.mark.django_db

StockRecord = get_model("partner", "StockRecord")
SEMI_HEADER = "sku;title;description;product_class;category;price_excl_vat;stock\n"


def test_windows_1252_semicolon_csv_from_danish_excel_is_read(client_a, vendor_a):
    content = (SEMI_HEADER + "Æ-1;Æblemost fra Ærø;Sød;Fødevare;Vin og most;49,95;7\n").encode("cp1252")

    preview = upload(client_a, "produkter.csv", content)
    confirm = client_a.post(preview.url)

    assert confirm.status_code == 302
    record = StockRecord.objects.get(partner=vendor_a.partner, partner_sku="Æ-1")
    assert record.product.title == "Æblemost fra Ærø"
    assert str(record.price) == "49.95"


def test_xlsx_sku_formatted_with_leading_zeros_keeps_them(client_a, vendor_a):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["sku", "title", "product_class", "category", "price_excl_vat", "stock"])
    sheet.append([42, "Honning", "Fødevare", "Spisekammer", 36, 5])
    sheet["A2"].number_format = "00000"
    buffer = io.BytesIO()
    workbook.save(buffer)

    preview = upload(client_a, "produkter.xlsx", buffer.getvalue())
    client_a.post(preview.url)

    assert StockRecord.objects.filter(partner=vendor_a.partner, partner_sku="00042").exists()


@pytest.mark.parametrize(
    ("price", "stock", "message"),
    [
        ("1e30", "1", "is not a price"),
        ("99999999999", "1", "The price is too large."),
        ("10", "²", "must be a whole number"),
        ("10", str(10**19), "is more than 2147483647"),
    ],
)
def test_hostile_numbers_are_row_errors_and_nothing_is_saved(client_a, price, stock, message):
    before = product_counts()
    content = (SEMI_HEADER + f"X-1;Kage;;Fødevare;Bagværk;{price};{stock}\n").encode()

    preview = upload(client_a, "produkter.csv", content)
    page = client_a.get(preview.url)
    confirm = client_a.post(preview.url)

    assert preview.status_code == 302 and page.status_code == 200
    assert message in page.content.decode()
    assert confirm.status_code == 200
    assert product_counts() == before


def test_a_field_over_131072_characters_is_an_error_not_a_500(client_a, settings):
    settings.VENDOR_IMPORT_MAX_BYTES = 1024 * 1024
    before = product_counts()
    content = (SEMI_HEADER + "X-1;Kage;" + "x" * 140_000 + ";Fødevare;Bagværk;10;1\n").encode()

    response = upload(client_a, "produkter.csv", content)
    if response.status_code == 302:
        response = client_a.get(response.url)

    assert response.status_code == 200
    assert "too long" in response.content.decode() or "at most 10000 are allowed" in response.content.decode()
    assert product_counts() == before


def test_a_300000_row_xlsx_is_refused_quickly(client_a, settings):
    settings.VENDOR_IMPORT_MAX_BYTES = 10 * 1024 * 1024
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(["sku", "title", "product_class", "category", "price_excl_vat", "stock"])
    for n in range(300_000):
        sheet.append([n])
    buffer = io.BytesIO()
    workbook.save(buffer)

    started = time.monotonic()
    response = upload(client_a, "bombe.xlsx", buffer.getvalue())
    elapsed = time.monotonic() - started

    assert response.status_code == 200
    assert "at most 1000 can be imported at once" in response.content.decode()
    assert elapsed < 6  # 1–2 s alone, mostly openpyxl's scan for a <dimension>; it was 23–204 s
    assert not ProductImport.objects.exists()


def test_a_300000_row_csv_is_refused_quickly(client_a, settings):
    settings.VENDOR_IMPORT_MAX_BYTES = 10 * 1024 * 1024
    content = (SEMI_HEADER + "X;Kage\n" * 300_000).encode()

    started = time.monotonic()
    response = upload(client_a, "b.csv", content)
    elapsed = time.monotonic() - started

    assert "at most 1000 can be imported at once" in response.content.decode()
    assert elapsed < 3

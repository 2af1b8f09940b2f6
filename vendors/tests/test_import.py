"""Bulk product import: preview with row errors, save all or nothing, clear messages for bad files."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from oscar.core.loading import get_model

from vendors.models import ProductImport
from vendors.tests.conftest import make_product

pytestmark = pytest.mark.django_db

Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")

HEADER = "sku,title,description,product_class,category,price_excl_vat,stock,allergens,contents\n"
GOOD_ROWS = (
    "NEW-1,Rugbrød,Groft,Fødevare,Bagværk,36.00,10,Gluten,Rug\n"
    'NEW-2,Viskestykke,Hør,Brugskunst,Tekstiler,"71,20",5,,\n'
)


def upload(client, name: str, content: bytes):
    return client.post(reverse("vendor_dashboard:import-upload"), {"file": SimpleUploadedFile(name, content)})


def product_counts():
    return Product.objects.count(), StockRecord.objects.count()


def test_valid_csv_is_previewed_then_saved_in_one_go_as_hidden_products(client_a, vendor_a):
    before = product_counts()

    preview = upload(client_a, "products.csv", (HEADER + GOOD_ROWS).encode())
    product_import = ProductImport.objects.get()
    page = client_a.get(preview.url)

    assert preview.status_code == 302
    assert product_counts() == before
    assert page.content.decode().count("create") >= 2
    confirm = client_a.post(preview.url)
    assert confirm.status_code == 302
    bread = StockRecord.objects.get(partner=vendor_a.partner, partner_sku="NEW-1")
    towel = StockRecord.objects.get(partner=vendor_a.partner, partner_sku="NEW-2")
    assert bread.price == Decimal("36.00") and bread.num_in_stock == 10
    assert towel.price == Decimal("71.20")
    assert bread.product.attr.allergens == "Gluten"
    assert bread.product.categories.get().name == "Bagværk"
    assert not bread.product.is_public
    product_import.refresh_from_db()
    assert (product_import.status, product_import.created_count) == ("done", 2)


def test_confirming_twice_saves_once(client_a, vendor_a):
    preview = upload(client_a, "products.csv", (HEADER + GOOD_ROWS).encode())

    client_a.post(preview.url)
    client_a.post(preview.url)

    assert StockRecord.objects.filter(partner=vendor_a.partner).count() == 2


def test_known_sku_updates_the_existing_product_and_sends_it_back_to_approval(client_a, vendor_a):
    product = make_product(vendor_a, title="Old title", sku="NEW-1", price="10.00")

    preview = upload(client_a, "products.csv", (HEADER + GOOD_ROWS).encode())
    client_a.post(preview.url)

    product.refresh_from_db()
    assert product.title == "Rugbrød"
    assert product.stockrecords.get().price == Decimal("36.00")
    assert not product.is_public  # its title changed: staff look again (issue 11, point 7)
    assert ProductImport.objects.get().updated_count == 1


def test_xlsx_with_price_incl_vat_is_converted_to_excl_vat(client_a, vendor_a):
    workbook = openpyxl.Workbook()
    workbook.active.append(["sku", "title", "product_class", "category", "price_incl_vat", "stock"])
    workbook.active.append(["X-1", "Bloklys", "Brugskunst", "Lys", 100, 3])
    buffer = io.BytesIO()
    workbook.save(buffer)

    preview = upload(client_a, "products.xlsx", buffer.getvalue())
    client_a.post(preview.url)

    assert StockRecord.objects.get(partner_sku="X-1").price == Decimal("80.00")


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("B-1,Brød,,Fødevare,Bagværk,abc,1,,\n", "“abc” is not a price."),
        ("B-1,Brød,,Fødevare,Bagværk,-5,1,,\n", "The price must be more than 0 kr."),
        ("B-1,Brød,,Fødevare,Sko,10,1,,\n", "Unknown category “Sko”."),
        ("B-1,,,Fødevare,Bagværk,10,1,,\n", "Title is missing."),
        ("B-1,Brød,,Fødevare,Bagværk,10,-1,,\n", "must be a whole number"),
        ("B-1,Brød,,Møbel,Bagværk,10,1,,\n", "Unknown product type “Møbel”"),
    ],
)
def test_row_errors_are_shown_per_row_and_nothing_is_saved(client_a, row, message):
    before = product_counts()
    content = (HEADER + "OK-1,Kage,,Fødevare,Bagværk,10,1,,\n" + row).encode()

    preview = upload(client_a, "products.csv", content)
    page = client_a.get(preview.url).content.decode()
    confirm = client_a.post(preview.url)

    assert message in page
    assert "Nothing is saved" in page
    assert 'class="table-danger"' in page
    assert confirm.status_code == 200
    assert "nothing was saved" in confirm.content.decode()
    assert product_counts() == before
    assert ProductImport.objects.get().status == ProductImport.Status.PREVIEW


def test_duplicate_sku_in_the_file_is_an_error_naming_the_other_row(client_a):
    before = product_counts()
    content = (HEADER + "D-1,Kage,,Fødevare,Bagværk,10,1,,\nD-1,Brød,,Fødevare,Bagværk,10,1,,\n").encode()

    preview = upload(client_a, "products.csv", content)
    client_a.post(preview.url)

    page = client_a.get(preview.url).content.decode()
    assert "Duplicate SKU “D-1”: it is also on row 2." in page
    assert product_counts() == before


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "products.csv",
            b"sku,title,category\nA,B,C\n",
            "Missing columns: product_class, stock, price_excl_vat or price_incl_vat.",
        ),
        ("photo.png", b"\x89PNG\r\n\x1a\n\x00\x00binary", "Only .csv and .xlsx files can be imported."),
        ("products.csv", b"\x89PNG\r\n\x1a\n\x00\x00binary", "This is not a CSV file."),
        ("products.xlsx", b"not a zip file", "This is not a readable Excel (.xlsx) file."),
        ("products.csv", b"", "The submitted file is empty."),
        ("products.csv", HEADER.encode(), "The file has a header but no products."),
    ],
)
def test_bad_files_are_rejected_with_a_message_and_nothing_is_stored(client_a, name, content, message):
    before = product_counts()

    response = upload(client_a, name, content)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert product_counts() == before
    assert not ProductImport.objects.exists()


def test_file_over_the_size_limit_is_rejected(client_a, settings):
    settings.VENDOR_IMPORT_MAX_BYTES = 1024
    content = (HEADER + GOOD_ROWS * 40).encode()
    before = product_counts()

    response = upload(client_a, "products.csv", content)

    assert response.status_code == 200
    assert "the limit is 1 KB" in response.content.decode()
    assert product_counts() == before
    assert not ProductImport.objects.exists()


def test_template_downloads_as_csv_and_xlsx_and_parses_back(client_a):
    csv_response = client_a.get(reverse("vendor_dashboard:import-template"))
    xlsx_response = client_a.get(reverse("vendor_dashboard:import-template") + "?format=xlsx")

    assert csv_response["Content-Type"].startswith("text/csv")
    assert csv_response.content.decode("utf-8-sig").startswith("sku,title,description,product_class")
    workbook = openpyxl.load_workbook(io.BytesIO(xlsx_response.content))
    assert next(workbook.active.iter_rows(values_only=True))[0] == "sku"
    preview = upload(client_a, "template.csv", csv_response.content)
    assert client_a.post(preview.url).status_code == 302
    assert StockRecord.objects.filter(partner_sku="EX-001").exists()


def test_semicolon_separated_csv_from_danish_excel_is_read(client_a, vendor_a):
    content = (
        "sku;title;product_class;category;price_excl_vat;stock\nS-1;Kaffe;Fødevare;Kaffe og te;60,00;4\n"
    )

    preview = upload(client_a, "products.csv", content.encode())
    client_a.post(preview.url)

    assert StockRecord.objects.get(partner=vendor_a.partner, partner_sku="S-1").price == Decimal("60.00")

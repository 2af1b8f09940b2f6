"""Vendor text reaches buyers: no path (import, dashboard, admin, ORM) lets script onto the product page."""

import io
import re

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from oscar.core.loading import get_model

from vendors import services
from vendors.tests.conftest import make_product
from vendors.tests.test_import import upload
from vendors.tests.test_prices import _stock_post

Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")

PAYLOADS = [
    "<script>alert('xss')</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    '<a href="javascript:alert(1)">klik</a>',
    '<p style="x" onmouseover="alert(1)">Tekst</p>',
]


def assert_page_carries_no_script(client, product):
    product.refresh_from_db()
    Product.objects.filter(pk=product.pk).update(is_public=True)
    response = client.get(product.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode().lower()
    for tag in re.findall(r"<[a-z][^>]*>", html):
        assert not re.search(r"\son\w+\s*=[^>]*alert\(", tag), tag
        assert "javascript:" not in tag, tag
    for script in re.findall(r"<script[^>]*>(.*?)</script>", html, flags=re.S):
        assert "alert(" not in script
    assert "<svg" not in html and "<img src=x" not in html


@pytest.mark.parametrize("payload", PAYLOADS)
def test_csv_import_title_and_description_payloads_never_reach_the_product_page(
    client, client_a, vendor_a, payload
):
    header = "sku;title;description;product_class;category;price_excl_vat;stock\n"
    row = f"X-1;Kage {payload};Sød {payload};Fødevare;Bagværk;10;1\n"
    preview = upload(client_a, "p.csv", (header + row).encode())
    assert client_a.post(preview.url).status_code == 302
    product = StockRecord.objects.get(partner=vendor_a.partner, partner_sku="X-1").product

    assert_page_carries_no_script(client, product)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_xlsx_import_payloads_never_reach_the_product_page(client, client_a, vendor_a, payload):
    workbook = openpyxl.Workbook()
    workbook.active.append(
        [
            "sku",
            "title",
            "description",
            "product_class",
            "category",
            "price_excl_vat",
            "stock",
            "allergens",
            "contents",
        ]
    )
    workbook.active.append(
        ["X-1", f"Kage {payload}", payload, "Fødevare", "Bagværk", 10, 1, payload, payload]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)
    preview = upload(client_a, "p.xlsx", buffer.getvalue())
    assert client_a.post(preview.url).status_code == 302
    product = StockRecord.objects.get(partner=vendor_a.partner, partner_sku="X-1").product

    assert_page_carries_no_script(client, product)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_dashboard_product_form_payloads_never_reach_the_product_page(client, client_a, vendor_a, payload):
    product = make_product(vendor_a, title="Honning", sku="H-1")
    response = _stock_post(
        client_a,
        product,
        vendor_a,
        price="80,00",
        title=f"Honning {payload}",
        description=f"<p>God</p>{payload}",
    )
    assert response.status_code == 302

    assert_page_carries_no_script(client, product)


def test_orm_save_and_the_admin_form_store_only_clean_html(admin_user, vendor_a):
    product = make_product(vendor_a, title="Honning", sku="H-1")
    product.description = "<p>God</p><script>alert(1)</script><img src=x onerror=alert(1)>"
    product.save()
    product.refresh_from_db()
    assert product.description == "<p>God</p>"

    from django.contrib import admin
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = get_model("auth", "User").objects.get(is_superuser=True)
    form_class = admin.site._registry[Product].get_form(request, product)
    form = form_class(
        instance=product,
        data={
            "title": "Honning <script>alert(1)</script>",
            "description": "<b onclick=alert(1)>Sød</b>",
            "structure": "standalone",
            "product_class": product.product_class_id,
            "is_public": "on",
            "is_discountable": "on",
            "slug": product.slug,
            "priority": "0",
        },
    )
    assert form.is_valid(), form.errors
    form.save()
    product.refresh_from_db()
    assert product.title == "Honning" and product.description == "<b>Sød</b>"
    assert "<script" not in product.title and "onclick" not in product.description


def test_description_stored_before_the_rule_is_cleaned_when_rendered(client, vendor_a):
    product = make_product(vendor_a, title="Honning", sku="H-1")
    Product.objects.filter(pk=product.pk).update(description="<p>Gammel</p><script>alert('xss')</script>")

    assert_page_carries_no_script(client, product)
    assert "<p>Gammel</p>" in client.get(product.get_absolute_url()).content.decode()


def test_vendor_edit_of_a_public_products_title_sends_it_back_to_approval(client_a, vendor_a, settings):
    settings.VENDOR_PRODUCT_APPROVAL_REQUIRED = True
    product = make_product(vendor_a, title="Honning", sku="H-1", is_public=True)
    response = _stock_post(client_a, product, vendor_a, price="80,00", title="Honning — nu med snaps")

    assert response.status_code == 302
    product.refresh_from_db()
    assert not product.is_public
    page = client_a.get(response["Location"]).content.decode()
    assert "hidden from the shop until staff have approved your changes" in page


def test_vendor_edit_of_price_only_keeps_the_product_public(client_a, vendor_a, settings):
    settings.VENDOR_PRODUCT_APPROVAL_REQUIRED = True
    product = make_product(vendor_a, title="Honning", sku="H-1", is_public=True)

    response = _stock_post(client_a, product, vendor_a, price="49,95")

    assert response.status_code == 302
    product.refresh_from_db()
    assert product.is_public
    page = client_a.get(response["Location"]).content.decode()
    assert "Price saved for H-1: 49,95 kr. excl. VAT, 62,44 kr. incl. VAT in the shop." in page


def test_import_changing_a_public_products_description_sends_it_back_to_approval(
    client_a, vendor_a, settings
):
    settings.VENDOR_PRODUCT_APPROVAL_REQUIRED = True
    product = make_product(vendor_a, title="Honning", sku="H-1", is_public=True)
    content = (
        "sku;title;description;product_class;category;price_excl_vat;stock\n"
        "H-1;Honning;Ny tekst;Fødevare;Spisekammer;80;20\n"
    ).encode()

    preview = upload(client_a, "p.csv", content)
    client_a.post(preview.url)

    product.refresh_from_db()
    assert product.description == "Ny tekst" and not product.is_public
    assert product in services.Product.objects.filter(is_public=False)


def test_product_create_post_without_formset_data_shows_errors_not_500(client_a, vendor_a):
    product_class = get_model("catalogue", "ProductClass").objects.first()
    url = reverse("dashboard:catalogue-product-create", kwargs={"product_class_slug": product_class.slug})

    response = client_a.post(url, {"title": "Uden formsets", "structure": "standalone"})

    assert response.status_code == 200
    assert not Product.objects.filter(title="Uden formsets").exists()


def test_product_image_over_the_limit_is_refused_with_a_message(client_a, vendor_a, settings, media_root):
    settings.PRODUCT_IMAGE_MAX_BYTES = 1024
    product = make_product(vendor_a, title="Honning", sku="H-1")
    from PIL import Image

    buffer = io.BytesIO()
    Image.effect_noise((200, 200), 100).convert("RGB").save(buffer, "PNG")
    assert buffer.tell() > 1024
    image = SimpleUploadedFile("big.png", buffer.getvalue(), "image/png")
    response = _stock_post(
        client_a,
        product,
        vendor_a,
        price="80,00",
        **{
            "images-TOTAL_FORMS": "1",
            "images-0-original": image,
            "images-0-display_order": "0",
        },
    )

    assert response.status_code == 200
    assert "MB is allowed" in response.content.decode()
    assert not product.images.exists()

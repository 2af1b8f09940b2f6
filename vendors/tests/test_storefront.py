"""The vendor directory, a vendor's page, the badge partial and the storefront product selector."""

import io

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from oscar.core.loading import get_model
from oscar.test.factories import create_product
from PIL import Image

from vendors.models import VendorProfile
from vendors.selectors import product_queryset_for_storefront
from vendors.tests.conftest import VALID_CVRS, make_product, make_vendor

pytestmark = pytest.mark.django_db

ProductImage = get_model("catalogue", "ProductImage")


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 40), "#5b8c3a").save(buffer, format="PNG")
    return buffer.getvalue()


def add_products(vendor, start: int, count: int):
    for n in range(start, start + count):
        product = make_product(vendor, title=f"Product {n:02d}", sku=f"P-{n}")
        image = ProductImage(product=product, display_order=0)
        image.original.save(f"p{n}.png", ContentFile(png()), save=True)


def test_vendor_page_shows_logo_mission_badge_impact_and_only_public_products(client, vendor_a, media_root):
    vendor_a.employees_flex_jobs, vendor_a.employees_total = 7, 12
    vendor_a.logo.save("logo.png", ContentFile(png()), save=True)
    make_product(vendor_a, title="Public honey", sku="A-1")
    make_product(vendor_a, title="Hidden jam", sku="A-2", is_public=False)

    response = client.get(reverse("vendors:detail", kwargs={"slug": vendor_a.slug}))

    html = response.content.decode()
    assert response.status_code == 200
    assert vendor_a.logo.url in html
    assert "Mission of a" in html and "Impact of a" in html
    assert "RSØV" in html
    assert "<strong>7</strong>" in html and "<strong>12</strong>" in html
    assert "Public honey" in html and "100.00" in html.replace(",", ".")
    assert "Hidden jam" not in html


def test_non_rsov_vendor_page_has_no_badge(client, vendor_b):
    html = client.get(reverse("vendors:detail", kwargs={"slug": vendor_b.slug})).content.decode()

    assert "Mission of b" in html
    assert "vendor-badge__rsov" not in html


@pytest.mark.parametrize("status", ["applied", "rejected", "suspended"])
def test_page_of_a_vendor_that_is_not_approved_is_not_found(client, catalogue_base, status):
    vendor = make_vendor("n", cvr=VALID_CVRS[4], status=status)

    response = client.get(reverse("vendors:detail", kwargs={"slug": vendor.slug}))

    assert response.status_code == 404


def test_vendor_page_query_count_does_not_grow_with_products(
    client, vendor_a, media_root, settings, django_assert_max_num_queries
):
    settings.STOREFRONT_CACHE_SECONDS = 0  # measure the rendering, not the storefront page cache
    url = reverse("vendors:detail", kwargs={"slug": vendor_a.slug})
    add_products(vendor_a, 0, 2)
    client.get(url)  # thumbnails are generated once, on the first view
    with CaptureQueriesContext(connection) as with_two:
        client.get(url)
    queries_with_two = len(with_two.captured_queries)  # read now: the next request clears the log
    add_products(vendor_a, 2, 13)
    client.get(url)

    with django_assert_max_num_queries(queries_with_two):
        response = client.get(url)

    assert queries_with_two > 0
    assert response.content.decode().count('class="card h-100 product-card"') == 15


def test_vendor_page_shows_24_products_a_page_and_the_rest_on_the_next(client, vendor_a):
    for n in range(30):
        make_product(vendor_a, title=f"Product {n:02d}", sku=f"P-{n}")
    url = reverse("vendors:detail", kwargs={"slug": vendor_a.slug})

    first = client.get(url).content.decode()
    second = client.get(url, {"page": 2}).content.decode()

    assert first.count('class="card h-100 product-card"') == 24
    assert "Product 00" in first and "Product 23" in first and "Product 24" not in first
    assert second.count('class="card h-100 product-card"') == 6
    assert "Product 24" in second and "Product 29" in second


def test_directory_lists_approved_vendors_and_filters_registered_social_enterprises(
    client, vendor_a, vendor_b
):
    applied = make_vendor("c", cvr=VALID_CVRS[5], status=VendorProfile.Status.APPLIED)

    everyone = client.get(reverse("vendors:directory")).content.decode()
    rsov = client.get(reverse("vendors:directory") + "?rsov=1").content.decode()

    assert "Vendor a" in everyone and "Vendor b" in everyone
    assert applied.partner.name not in everyone
    assert "Vendor a" in rsov and "Vendor b" not in rsov


def test_directory_and_vendor_page_answer_in_danish_and_english(client, vendor_a):
    from django.utils import translation

    for language in ("da", "en"):
        with translation.override(language):
            assert client.get(reverse("vendors:directory")).status_code == 200
            assert client.get(reverse("vendors:detail", kwargs={"slug": vendor_a.slug})).status_code == 200


def test_storefront_selector_keeps_public_products_of_approved_vendors_only(vendor_a, catalogue_base):
    suspended = make_vendor("s", cvr=VALID_CVRS[4], status=VendorProfile.Status.SUSPENDED)
    shown = make_product(vendor_a, title="Shown", sku="A-1")
    hidden = make_product(vendor_a, title="Hidden", sku="A-2", is_public=False)
    suspended_product = make_product(suspended, title="Suspended", sku="S-1")
    no_vendor = create_product(title="No vendor", price=10)

    titles = set(product_queryset_for_storefront().values_list("title", flat=True))

    assert titles == {"Shown"}
    assert {hidden.pk, suspended_product.pk, no_vendor.pk}.isdisjoint(
        product_queryset_for_storefront().values_list("pk", flat=True)
    )
    assert product_queryset_for_storefront().filter(pk=shown.pk).count() == 1


def test_selector_narrows_a_given_queryset_without_duplicates(vendor_a, catalogue_base):
    from oscar.core.loading import get_model

    product = make_product(vendor_a, title="Two records", sku="A-1")
    product.stockrecords.create(partner=vendor_a.partner, partner_sku="A-1b", price=5, num_in_stock=1)
    Product = get_model("catalogue", "Product")

    queryset = product_queryset_for_storefront(Product.objects.filter(title__startswith="Two"))

    assert list(queryset) == [product]


def test_vendor_badge_partial_links_to_the_vendor_page_and_shows_rsov(vendor_a, vendor_b):
    badge_a = render_to_string("vendors/partials/vendor_badge.html", {"vendor": vendor_a})
    badge_b = render_to_string("vendors/partials/vendor_badge.html", {"vendor": vendor_b})

    assert reverse("vendors:detail", kwargs={"slug": vendor_a.slug}) in badge_a
    assert "Vendor a" in badge_a and "RSØV" in badge_a
    assert "Vendor b" in badge_b and "RSØV" not in badge_b
    assert render_to_string("vendors/partials/vendor_badge.html", {"vendor": None}).strip() == ""

"""Signed-in pages: a fixed, small number of queries whatever the catalogue and the cart hold.

Signed-in buyers, vendors and municipal buyers never get the storefront page
cache, so these counts are what every one of their requests costs.
"""

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from oscar.core.loading import get_model

from baskets.selectors import published_designs
from baskets.services import gift_basket_add_to_cart
from marketplace.oscar_apps.catalogue.generator import catalogue_generate
from marketplace.oscar_apps.partner.strategy import Selector
from marketplace.storefront_cache import storefront_version_bump
from vendors.models import VendorProfile

Basket = get_model("basket", "Basket")
Product = get_model("catalogue", "Product")
Category = get_model("catalogue", "Category")
StockRecord = get_model("partner", "StockRecord")
User = get_user_model()

LIMIT = 12


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    settings.STOREFRONT_PAGE_CACHE = False
    # Cached menus and filter choices live 5 s in production; on a loaded machine a measurement
    # could straddle their expiry and count a reload. Version bumps still invalidate them.
    settings.STOREFRONT_CACHE_SECONDS = 3600
    storefront_version_bump()


def _count(client, url) -> int:
    # Warm: thumbnails and first-request setup; the first page after a cart change
    # also renders the mini-basket and stores it (marketplace/layout/cart_summary.py).
    for _ in range(2):
        assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def _storefront_urls() -> dict[str, str]:
    product = Product.objects.get(upc="HF-VIN-01")
    category = Category.objects.get(name="Kaffe og te")
    return {
        "catalogue": "/da/catalogue/",
        "category": category.get_absolute_url(),
        "product": product.get_absolute_url(),
        "search": "/da/search/?q=kaffe",
        "composer": "/da/gavekurve/sammensaet/",
    }


def _fill_cart(user, *, products: int, gift_baskets: int) -> Basket:
    basket, _ = Basket.open.get_or_create(owner=user)
    basket.strategy = Selector().strategy()
    records = StockRecord.objects.filter(num_in_stock__gt=5, product__is_public=True).order_by("pk")
    for record in records[:products]:
        basket.add_product(record.product, 1)
    for design in published_designs().order_by("pk")[:gift_baskets]:
        gift_basket_add_to_cart(basket=basket, design=design, quantity=1)
    return basket


def _buyer_counts(client) -> dict[str, int]:
    urls = _storefront_urls()
    vendor = VendorProfile.objects.filter(status=VendorProfile.Status.APPROVED).order_by("pk").first()
    urls["vendor"] = reverse("vendors:detail", kwargs={"slug": vendor.slug})
    return {name: _count(client, url) for name, url in urls.items()}


@pytest.mark.django_db
def test_signed_in_buyer_pages_cost_the_same_few_queries_for_any_catalogue_and_cart(
    client, shop_with_pictures
):
    # given a signed-in buyer with one product and one gift basket in the cart
    user = shop_with_pictures.customer
    client.force_login(user)
    _fill_cart(user, products=1, gift_baskets=1)
    small_cart_small_catalogue = _buyer_counts(client)

    # when the cart grows to four products and three gift baskets, and the catalogue by 150 products
    _fill_cart(user, products=3, gift_baskets=2)
    big_cart_small_catalogue = _buyer_counts(client)
    catalogue_generate(products=Product.objects.count() + 150)
    big_cart_big_catalogue = _buyer_counts(client)

    # then every page costs the same, and at most 12 queries
    assert small_cart_small_catalogue == big_cart_small_catalogue == big_cart_big_catalogue
    assert max(big_cart_big_catalogue.values()) <= LIMIT, big_cart_big_catalogue


def _cart_lines(user, *, lines: int) -> None:
    """The buyer's cart holds exactly `lines` products (one line each)."""
    basket, _ = Basket.open.get_or_create(owner=user)
    basket.flush()
    basket.strategy = Selector().strategy()
    records = StockRecord.objects.filter(
        num_in_stock__gt=5, product__is_public=True, product__parent=None
    ).order_by("pk")
    for record in records[:lines]:
        basket.add_product(record.product, 1)
    assert basket.lines.count() == lines


def _as_cart_and_catalogue_grow(user, measure):
    """measure() with the cart at 1 line, at 4 lines, then at 4 lines in a catalogue of 150 more products."""
    _cart_lines(user, lines=1)
    one_line = measure()
    _cart_lines(user, lines=4)
    four_lines = measure()
    catalogue_generate(products=Product.objects.count() + 150)
    return one_line, four_lines, measure()


@pytest.mark.django_db
def test_storefront_and_cart_pages_cost_the_same_for_one_or_four_lines_and_any_catalogue(
    client, shop_with_pictures
):
    """Catalogue, category, product, composer and the cart itself, signed in with a non-empty cart."""
    user = shop_with_pictures.customer
    client.force_login(user)
    urls = _storefront_urls()
    urls.pop("search")
    urls["cart"] = "/da/basket/"

    def counts() -> dict[str, int]:
        return {name: _count(client, url) for name, url in urls.items()}

    # given a cart of one line in the factory shop's catalogue,
    # when the cart holds four lines, then also the catalogue 150 more products
    one_line, four_lines, four_lines_big_catalogue = _as_cart_and_catalogue_grow(user, counts)

    # then every page costs the same, and at most 12 queries
    assert one_line == four_lines == four_lines_big_catalogue, (one_line, four_lines)
    assert max(four_lines_big_catalogue.values()) <= LIMIT, four_lines_big_catalogue


@pytest.mark.django_db
def test_vendor_dashboard_pages_stay_within_12_queries(client, shop_with_pictures):
    """The vendor's dashboard start page and order list, for 2 or 12 orders of 1 or 3 of their products."""
    from fulfilment.services import order_split
    from fulfilment.tests.factories import place_order

    vendor_user = shop_with_pictures.vendor_user("havefolket")
    client.force_login(vendor_user)
    urls = {"dashboard": "/da/dashboard/", "vendor orders": "/da/dashboard/vendor-orders/"}
    skus = list(
        StockRecord.objects.filter(partner__vendor_profile__slug="havefolket", num_in_stock__gt=20)
        .order_by("pk")
        .values_list("partner_sku", flat=True)[:3]
    )
    assert len(skus) == 3

    def order(number: str, lines: list[str]) -> None:
        placed = place_order(loose=[(sku, 1) for sku in lines], number=number)
        order_split(order_id=placed.pk)

    # given two orders with one of the vendor's products each
    for n in range(2):
        order(f"Q{n}", skus[:1])
    few = {name: _count(client, url) for name, url in urls.items()}

    # when ten more orders with three products each arrive
    for n in range(2, 12):
        order(f"Q{n}", skus)
    many = {name: _count(client, url) for name, url in urls.items()}
    # and the vendor user's own cart holds one, then four lines, and the catalogue grows by 150 products
    grown = _as_cart_and_catalogue_grow(vendor_user, lambda: {n: _count(client, u) for n, u in urls.items()})

    # then the vendor's pages cost the same, and at most 12 queries
    assert all(counts == few for counts in (many, *grown)), (few, many, grown)
    assert max(grown[-1].values()) <= LIMIT, grown[-1]


@pytest.mark.django_db
def test_municipal_order_page_stays_within_12_queries_whatever_the_number_of_recipients(
    client, shop_with_pictures, django_capture_on_commit_callbacks
):
    from procurement import services
    from procurement.tests.conftest import draft_for
    from tests.factories import municipality

    town = municipality(approval_limit="10000000")
    organisation, buyer = town.organisation, town.buyer
    client.force_login(buyer)
    design = published_designs().order_by("pk").first()

    def order_url(count: int) -> str:
        with django_capture_on_commit_callbacks(execute=True):
            order = services.bulk_order_create(
                organisation=organisation,
                user=buyer,
                draft=draft_for(design=design, count=count),
                location=organisation.locations.order_by("ean").first(),
                po_number=f"PO-{count}",
                person_reference="Anna Indkøber",
            )
        return f"/da/kommune/{organisation.slug}/ordrer/{order.pk}/"

    few_url, many_url = order_url(3), order_url(20)
    few, many = _count(client, few_url), _count(client, many_url)
    # when the buyer's own cart holds one, then four lines, and the catalogue grows by 150 products
    grown = _as_cart_and_catalogue_grow(buyer, lambda: _count(client, many_url))

    assert all(count == few for count in (many, *grown)), (few, many, grown)
    assert grown[-1] <= LIMIT, grown[-1]

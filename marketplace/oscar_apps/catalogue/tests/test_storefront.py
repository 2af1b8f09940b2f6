"""The storefront: fixed query counts, Danish search, filters, cache invalidation, no writes on views."""

import re
import sys
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from oscar.core.loading import get_model

from marketplace.oscar_apps.catalogue.generator import catalogue_generate
from marketplace.oscar_apps.catalogue.product_views import product_views_flush
from marketplace.storefront_cache import CSRF_PLACEHOLDER, storefront_version_bump

Product = get_model("catalogue", "Product")
Category = get_model("catalogue", "Category")
StockRecord = get_model("partner", "StockRecord")
ProductRecord = get_model("analytics", "ProductRecord")

WRITE = re.compile(r"^\s*(INSERT|UPDATE|DELETE)\b", re.IGNORECASE)


@pytest.fixture(autouse=True)
def fresh_storefront_cache():
    storefront_version_bump()


@pytest.fixture
def no_page_cache(settings):
    """Measure the render itself: every storefront cache off."""
    settings.STOREFRONT_CACHE_SECONDS = 0


def _storefront_urls():
    product = Product.objects.get(upc="HF-VIN-01")
    category = Category.objects.get(name="Kaffe og te")
    return {
        "catalogue": "/da/catalogue/",
        "category": category.get_absolute_url(),
        "product": product.get_absolute_url(),
        "search": "/da/search/?q=kaffe",
        "filtered": "/da/catalogue/?rsov=on&sort_by=price-asc",
    }


def _warm_query_counts(client, urls):
    counts = {}
    for name, url in urls.items():
        # Thumbnails and first-request setup; a signed-in buyer's first page after a cart
        # change (here: the basket created) also renders and stores the mini-basket.
        for _ in range(2):
            assert client.get(url).status_code == 200
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200
        counts[name] = len(ctx.captured_queries)
    return counts


@pytest.mark.django_db
def test_query_count_per_page_stays_the_same_when_the_catalogue_grows(
    client, shop_with_pictures, no_page_cache
):
    urls = _storefront_urls()
    small = _warm_query_counts(client, urls)

    catalogue_generate(products=Product.objects.count() + 150)
    large = _warm_query_counts(client, urls)

    assert large == small
    assert all(n <= 15 for n in large.values()), large


@pytest.mark.django_db
def test_listing_pages_stay_within_15_queries(
    client, shop_with_pictures, no_page_cache, django_assert_max_num_queries
):
    urls = _storefront_urls()
    for url in urls.values():
        client.get(url)
        with django_assert_max_num_queries(15):
            assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_signed_in_buyer_query_count_does_not_grow_with_the_catalogue(client, shop_with_pictures):
    """Signed-in pages are never page-cached; Oscar's layout adds session, basket and menu queries."""
    client.force_login(shop_with_pictures.customer)
    urls = _storefront_urls()
    small = _warm_query_counts(client, urls)

    catalogue_generate(products=Product.objects.count() + 150)
    large = _warm_query_counts(client, urls)

    assert large == small


def _titles(response):
    return set(re.findall(r'<h3 class="mt-3">\s*<a [^>]*title="([^"]+)"', response.content.decode()))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("rødvin", "Rødvin Solhverv 2024"),  # title
        ("chokolader", "Mørk chokolade 70 %"),  # Danish stemming: plural finds singular
        ("bærfrugtig", "Rødvin Solhverv 2024"),  # description only
        ("Skovbrynet", "Surdejsrugbrød"),  # vendor name
        ("Tekstiler", "Sheasmør"),  # category name (a fair-trade product in "Tekstiler")
    ],
)
def test_search_finds_products_by_title_description_vendor_and_category(
    client, shop_with_pictures, query, expected
):
    response = client.get("/da/search/", {"q": query})

    assert response.status_code == 200
    assert expected in _titles(response)


@pytest.mark.django_db
def test_search_for_unknown_word_shows_no_products(client, shop_with_pictures):
    response = client.get("/da/search/", {"q": "zzyzxq"})

    assert _titles(response) == set()
    assert "Ingen produkter fundet." in response.content.decode()


@pytest.mark.django_db
def test_filters_by_vendor_and_by_rsov(client, shop_with_pictures):
    by_vendor = _titles(client.get("/da/catalogue/", {"vendor": "ristet-ro"}))
    rsov_only = _titles(client.get("/da/catalogue/", {"rsov": "on", "sort_by": "title-asc"}))

    assert "Espresso Morgenrøde" in by_vendor
    assert by_vendor <= set(
        StockRecord.objects.filter(partner__code="ristet-ro").values_list("product__title", flat=True)
    )
    # Ristet Ro and Trådværket are not RSØV-registered.
    assert "Espresso Morgenrøde" not in rsov_only
    assert "Brunkager" in rsov_only


@pytest.mark.django_db
def test_category_page_lists_only_that_category(client, shop_with_pictures):
    category = Category.objects.get(name="Lys")

    titles = _titles(client.get(category.get_absolute_url()))

    assert "Bloklys" in titles
    assert "Surdejsrugbrød" not in titles


@pytest.mark.django_db
def test_price_change_and_zero_stock_show_on_the_next_catalogue_and_product_page(shop_with_pictures):
    def visit(url):  # a new anonymous visitor each time, so the page cache applies
        return Client().get(url)

    record = StockRecord.objects.get(partner_sku="HF-VIN-01")
    product_url = record.product.get_absolute_url()
    assert "189,00" in visit("/da/catalogue/").content.decode()
    assert "189,00" in visit(product_url).content.decode()
    assert visit("/da/catalogue/")["X-Storefront-Cache"] == "hit"
    assert visit(product_url)["X-Storefront-Cache"] == "hit"

    record.price = Decimal("200.00")  # 250,00 kr. with VAT
    record.save()
    catalogue = visit("/da/catalogue/").content.decode()
    product = visit(product_url).content.decode()

    assert "250,00" in catalogue and "189,00" not in catalogue
    assert "250,00" in product and "189,00" not in product

    record.num_in_stock = 0
    record.save()
    catalogue = visit("/da/catalogue/").content.decode()
    product = visit(product_url).content.decode()

    card = catalogue.split(f'data-product-id="{record.product_id}"')[1].split("</article>")[0]
    assert "Udsolgt" in card
    assert f"/basket/add/{record.product_id}/" not in card
    assert "Udsolgt" in product
    assert 'id="add_to_basket_form"' not in product


@pytest.mark.django_db
def test_anonymous_page_is_served_from_cache_without_queries_and_with_own_csrf_token(shop_with_pictures):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first.get("/da/catalogue/")

    with CaptureQueriesContext(connection) as ctx:
        response = second.get("/da/catalogue/")
    html = response.content.decode()

    assert response["X-Storefront-Cache"] == "hit"
    assert len(ctx.captured_queries) == 0
    assert CSRF_PLACEHOLDER not in html
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    product = Product.objects.get(upc="HF-VIN-01")
    added = second.post(f"/da/basket/add/{product.pk}/", {"quantity": 1, "csrfmiddlewaretoken": token})
    assert added.status_code == 302


@pytest.mark.django_db
@pytest.mark.parametrize("cached", [True, False])
def test_product_page_view_writes_nothing_to_the_database(client, shop_with_pictures, settings, cached):
    settings.STOREFRONT_CACHE_SECONDS = 5 if cached else 0
    product = Product.objects.get(upc="HF-VIN-01")
    client.get(product.get_absolute_url())

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(product.get_absolute_url())

    assert response.status_code == 200
    assert [q["sql"] for q in ctx.captured_queries if WRITE.match(q["sql"])] == []


@pytest.mark.django_db
def test_counted_product_views_reach_analytics_when_flushed(shop_with_pictures):
    product = Product.objects.get(upc="HF-VIN-02")
    product_views_flush()
    for _ in range(3):
        Client().get(product.get_absolute_url())

    written = product_views_flush()

    assert written >= 3
    assert ProductRecord.objects.get(product=product).num_views == 3
    assert product_views_flush() == 0


@pytest.mark.django_db
def test_storefront_does_not_load_haystack(client, shop_with_pictures):
    client.get("/da/catalogue/")
    client.get("/da/search/", {"q": "kaffe"})

    assert "haystack" not in sys.modules


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/da/vendors/havefolket/", "/da/gavekurve/sammensaet/?q=Solhverv"])
def test_vendor_and_composer_pages_are_cached_for_anonymous_visitors_and_invalidated(shop_with_pictures, url):
    record = StockRecord.objects.get(partner_sku="HF-VIN-01")
    first = Client().get(url)
    assert first.status_code == 200 and "189,00" in first.content.decode()

    with CaptureQueriesContext(connection) as ctx:
        hit = Client().get(url)
    assert hit["X-Storefront-Cache"] == "hit"
    assert [q for q in ctx.captured_queries if "SAVEPOINT" not in q["sql"]] == []
    assert CSRF_PLACEHOLDER not in hit.content.decode()

    record.price = Decimal("200.00")
    record.save()
    after = Client().get(url).content.decode()

    assert "250,00" in after and "189,00" not in after

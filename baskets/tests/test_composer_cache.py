"""The composer's product rows for signed-in buyers come from the storefront cache (issue 16).

The listing's count and product ids and the rendered rows are stored under the storefront
version; the entries here live an hour, so only a version bump can make the page change.
Every change a buyer must see (price, stock, a new packaging product) shows on the next request,
and what differs per buyer (the CSRF token, whether a basket type is chosen) is never shared.
"""

import re
from decimal import Decimal
from html import unescape

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from oscar.core.loading import get_model

from baskets import views
from baskets.models import BasketType
from marketplace.storefront_cache import CSRF_PLACEHOLDER, storefront_version_bump
from tests.factories import customer

Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")

pytestmark = pytest.mark.django_db

COMPOSER = "/da/gavekurve/sammensaet/"
DISABLED = 'disabled aria-describedby="choose-type-first"'


@pytest.fixture(autouse=True)
def cached_for_an_hour(settings):
    settings.STOREFRONT_PAGE_CACHE = False
    settings.STOREFRONT_CACHE_SECONDS = 3600
    storefront_version_bump()


@pytest.fixture
def buyer(client, shop):
    client.force_login(shop.customer)
    return shop.customer


def _composer(client, url: str = COMPOSER) -> tuple[str, int]:
    """The page's HTML and how many of its queries read products."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode(), sum(
        'FROM "catalogue_product"' in q["sql"] for q in ctx.captured_queries
    )


def _row(html: str, product) -> str:
    start = html.index(f'id="product-{product.pk}-title"')
    return html[start : html.index("</article>", start)]


def _titles(html: str) -> list[str]:
    return [
        unescape(t)
        for t in re.findall(r'<h3 class="h6 mb-1" id="product-\d+-title"><a [^>]*>([^<]+)</a>', html)
    ]


def _record(sku: str = "HF-VIN-01"):
    return StockRecord.objects.get(product__upc=sku)


def test_a_repeated_composer_page_reads_no_product_and_shows_a_price_change_on_the_next_request(
    client, buyer
):
    record = _record()
    _composer(client)  # count, ids and rows now cached
    html, product_queries = _composer(client)
    assert product_queries == 0
    assert "401,25" not in _row(html, record.product)

    record.price = Decimal("321.00")  # excl. VAT: 401,25 kr. for the buyer
    record.save()

    html, product_queries = _composer(client)
    assert "401,25" in _row(html, record.product).replace("\xa0", " ")
    assert product_queries > 0  # read afresh


def test_a_product_sold_out_shows_as_sold_out_in_the_composer_on_the_next_request(client, buyer):
    record = _record()
    assert "text-success" in _row(_composer(client)[0], record.product)

    record.num_in_stock = 0
    record.save()

    row = _row(_composer(client)[0], record.product)
    assert "text-danger" in row and "text-success" not in row


def test_add_buttons_follow_each_buyers_own_basket_type_and_csrf_token(client, buyer, shop):
    record = _record()
    assert DISABLED in _row(_composer(client)[0], record.product)  # no type chosen yet

    client.post(f"{COMPOSER}type/", {"basket_type": BasketType.objects.get(slug="gavekurv").pk})
    html = _composer(client)[0]
    assert DISABLED not in _row(html, record.product)

    other = Client()
    other.force_login(customer(email="anden.kunde@example.dk"))
    other_html = _composer(other)[0]
    assert DISABLED in _row(other_html, record.product)  # the first buyer's choice is not shared

    tokens = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html))
    other_tokens = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', other_html))
    assert tokens and other_tokens and not tokens & other_tokens
    assert CSRF_PLACEHOLDER not in html + other_html

    # The cached row's form works with the buyer's own token.
    token = next(iter(tokens))
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = client.cookies
    response = strict.post(
        f"{COMPOSER}tilfoej/", {"product": record.product_id, "quantity": 1, "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    assert "Din gavekurv" in _composer(client)[0] and record.product.title in _composer(client)[0]


def test_filters_and_pages_are_cached_apart_and_each_row_returns_to_its_own_page(client, buyer, monkeypatch):
    all_titles = _titles(_composer(client)[0])
    assert len(all_titles) > 4

    coffee = _titles(_composer(client, f"{COMPOSER}?q=kaffe")[0])
    assert coffee and all("kaffe" in title.lower() for title in coffee)
    assert _titles(_composer(client, f"{COMPOSER}?q=kaffe")[0]) == coffee  # from the cache, the same
    assert _titles(_composer(client)[0]) == all_titles  # the unfiltered page is not the filtered one

    monkeypatch.setattr(views, "PRODUCTS_PER_PAGE", 2)
    first, _ = _composer(client, f"{COMPOSER}?page=1")
    second, _ = _composer(client, f"{COMPOSER}?page=2")
    assert _titles(first) == all_titles[:2] and _titles(second) == all_titles[2:4]
    assert f'name="next" value="{COMPOSER}?page=2"' in second
    assert f'name="next" value="{COMPOSER}?page=1"' not in second
    # Not a number: the first page; beyond the end: the last (as Django's get_page).
    assert _titles(_composer(client, f"{COMPOSER}?page=abc")[0]) == all_titles[:2]
    assert _titles(_composer(client, f"{COMPOSER}?page=999")[0]) == all_titles[-(len(all_titles) % 2 or 2) :]


def test_a_product_that_becomes_a_basket_types_packaging_leaves_the_composer_on_the_next_request(
    client, buyer
):
    product = _record("LP-KRO-01").product
    assert product.title in _titles(_composer(client)[0])

    basket_type = BasketType.objects.get(slug="lille-gaveaeske")
    basket_type.packaging_product = product
    basket_type.save()

    assert product.title not in _titles(_composer(client)[0])

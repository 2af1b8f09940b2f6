"""The header's mini-basket is cached per basket version, and the next page shows every change to the cart."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from oscar.core.loading import get_model

from marketplace.storefront_cache import storefront_version_bump

User = get_user_model()
Basket = get_model("basket", "Basket")
StockRecord = get_model("partner", "StockRecord")

PAGE = "/da/catalogue/"


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    settings.STOREFRONT_PAGE_CACHE = False
    settings.STOREFRONT_CACHE_SECONDS = 3600  # so only a bump, never an expiry, refreshes a value
    storefront_version_bump()


@pytest.fixture
def buyer(client, shop_with_pictures):
    user = shop_with_pictures.customer
    client.force_login(user)
    return user


@pytest.fixture
def records(shop_with_pictures):
    """Two products at 100,00 and 40,00 kr. excl. VAT: 125,00 and 50,00 kr. for the buyer."""
    first, second = StockRecord.objects.filter(
        num_in_stock__gt=10, product__is_public=True, product__parent=None
    ).order_by("pk")[:2]
    for record, price in ((first, "100.00"), (second, "40.00")):
        record.price = Decimal(price)
        record.save()
    return first, second


def _mini(client, url=PAGE) -> str:
    """The header's mini-basket as the buyer sees it: the total and the dropdown's lines."""
    html = client.get(url).content.decode().replace("\xa0", " ")
    start = html.index('class="basket-mini ')
    return " ".join(html[start : html.index("</ul>", start)].split())


def _phone_button(client, url=PAGE) -> str:
    """The basket button that phones show instead of the mini-basket."""
    html = client.get(url).content.decode().replace("\xa0", " ")
    start = html.index("btn-cart")
    return " ".join(html[start : html.index("</a>", start)].split())


def _add(client, record, quantity=1) -> None:
    response = client.post(f"/da/basket/add/{record.product_id}/", {"quantity": quantity})
    assert response.status_code == 302


def _basket_lines_queried(client, url=PAGE) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    lines = [query["sql"] for query in ctx.captured_queries if '"basket_line"' in query["sql"]]
    return lines


@pytest.mark.django_db
def test_a_signed_in_page_shows_the_cart_from_the_cache_without_reading_its_lines(client, buyer, records):
    _add(client, records[0])
    assert "Kurv i alt:</strong> 125,00 kr." in _mini(client)  # rendered and stored

    assert not _basket_lines_queried(client)
    assert "125,00 kr." in _mini(client)


@pytest.mark.django_db
def test_an_added_line_shows_in_the_mini_basket_on_the_next_page(client, buyer, records):
    _add(client, records[0])
    assert "125,00 kr." in _mini(client)

    _add(client, records[1])

    mini = _mini(client)
    assert "Total: 175,00 kr." in mini
    assert records[1].product.get_title() in mini


@pytest.mark.django_db
def test_a_changed_quantity_shows_in_the_mini_basket_on_the_next_page(client, buyer, records):
    _add(client, records[0])
    line = Basket.open.get(owner=buyer).lines.get()
    assert "Total: 125,00 kr." in _mini(client)

    response = client.post(
        "/da/basket/",
        {
            "form-TOTAL_FORMS": 1,
            "form-INITIAL_FORMS": 1,
            "form-MIN_NUM_FORMS": 0,
            "form-MAX_NUM_FORMS": 1000,
            "form-0-id": line.pk,
            "form-0-quantity": 3,
        },
    )
    assert response.status_code == 302

    mini = _mini(client)
    assert "Total: 375,00 kr." in mini
    assert "<strong>Antal</strong> 3" in mini


@pytest.mark.django_db
def test_a_removed_line_leaves_the_mini_basket_on_the_next_page(client, buyer, records):
    _add(client, records[0])
    _add(client, records[1])
    lines = Basket.open.get(owner=buyer).lines
    first, second = lines.get(product=records[0].product), lines.get(product=records[1].product)
    assert "Total: 175,00 kr." in _mini(client)

    response = client.post(
        "/da/basket/",
        {
            "form-TOTAL_FORMS": 2,
            "form-INITIAL_FORMS": 2,
            "form-MIN_NUM_FORMS": 0,
            "form-MAX_NUM_FORMS": 1000,
            "form-0-id": first.pk,
            "form-0-quantity": 0,
            "form-1-id": second.pk,
            "form-1-quantity": 1,
        },
    )
    assert response.status_code == 302

    mini = _mini(client)
    assert "Total: 50,00 kr." in mini
    assert records[0].product.get_title() not in mini


@pytest.mark.django_db
def test_a_price_change_of_a_product_in_the_cart_shows_in_the_mini_basket_on_the_next_page(
    client, buyer, records
):
    _add(client, records[0], quantity=2)
    assert "Total: 250,00 kr." in _mini(client)
    assert "Total: 250,00 kr." in _phone_button(client)

    record = records[0]
    record.price = Decimal("80.00")  # 100,00 kr. incl. VAT
    record.save()

    assert "Total: 200,00 kr." in _mini(client)
    assert "Total: 200,00 kr." in _phone_button(client)


@pytest.mark.django_db
def test_the_cart_brought_in_at_login_shows_in_the_mini_basket_on_the_next_page(client, buyer, records):
    # given a signed-in buyer whose mini-basket (one product) is cached
    _add(client, records[0])
    assert "Total: 125,00 kr." in _mini(client)
    # and an anonymous visitor's cart on another device with the other product
    device = Client()
    _add(device, records[1])
    assert "Total: 50,00 kr." in _mini(device)

    # when the buyer signs in on that device
    device.force_login(buyer)

    # then the next page there shows the merged cart, and so does the first device's
    mini = _mini(device)
    assert "Total: 175,00 kr." in mini
    assert records[1].product.get_title() in mini
    assert "Total: 175,00 kr." in _mini(device)  # from the cache, with the cookie gone
    assert "Total: 175,00 kr." in _mini(client)


@pytest.mark.django_db
def test_a_renamed_gift_basket_shows_in_the_mini_basket_on_the_next_page(client, buyer, records):
    from baskets.selectors import published_designs
    from baskets.services import gift_basket_add_to_cart
    from marketplace.oscar_apps.partner.strategy import Selector

    basket, _ = Basket.open.get_or_create(owner=buyer)
    basket.strategy = Selector().strategy()
    gift_basket_add_to_cart(basket=basket, design=published_designs().order_by("pk").first(), quantity=1)
    assert "× 1" in _mini(client).replace("&#x27;", "'")

    group = basket.gift_basket_groups.get()
    group.name = "Julekurv til Ole"
    group.save()

    assert "Gavekurv 'Julekurv til Ole' × 1" in _mini(client).replace("&#x27;", "'")


@pytest.mark.django_db
def test_an_anonymous_visitors_cart_is_cached_by_its_cookie_and_shows_changes(records):
    visitor = Client()
    _add(visitor, records[0])
    assert "Total: 125,00 kr." in _mini(visitor)
    assert not _basket_lines_queried(visitor)

    _add(visitor, records[0])

    assert "Total: 250,00 kr." in _mini(visitor)

"""What the layout caches per user changes on the next request when its rows change."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from oscar.core.loading import get_model

from marketplace.storefront_cache import storefront_version_bump

User = get_user_model()
Notification = get_model("communication", "Notification")
StockRecord = get_model("partner", "StockRecord")
Product = get_model("catalogue", "Product")


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    settings.STOREFRONT_PAGE_CACHE = False
    storefront_version_bump()


@pytest.fixture
def buyer(client, shop_with_pictures):
    user = shop_with_pictures.customer
    client.force_login(user)
    return user


def _dashboard_link_shown(client) -> bool:
    return 'href="/da/dashboard/"' in client.get("/da/catalogue/").content.decode()


def _access() -> Permission:
    return Permission.objects.get(codename="dashboard_access", content_type__app_label="partner")


@pytest.mark.django_db
def test_a_granted_and_revoked_permission_shows_on_the_next_page(client, buyer):
    assert not _dashboard_link_shown(client)  # cached: no dashboard access

    buyer.user_permissions.add(_access())
    assert _dashboard_link_shown(client)

    buyer.user_permissions.remove(_access())
    assert not _dashboard_link_shown(client)


@pytest.mark.django_db
def test_a_permission_given_through_a_group_shows_on_the_next_page(client, buyer):
    group = Group.objects.create(name="Sælgere")
    buyer.groups.add(group)
    assert not _dashboard_link_shown(client)

    group.permissions.add(_access())
    assert _dashboard_link_shown(client)

    group.permissions.clear()
    assert not _dashboard_link_shown(client)


@pytest.mark.django_db
def test_becoming_staff_shows_on_the_next_page(client, buyer):
    assert not _dashboard_link_shown(client)
    buyer.is_staff = True
    buyer.save()
    assert _dashboard_link_shown(client)


@pytest.mark.django_db
def test_a_new_notification_shows_in_the_account_menu_on_the_next_page(client, buyer):
    client.get("/da/catalogue/")  # count cached as 0
    Notification.objects.create(recipient=buyer, subject="Din ordre er afsendt")
    assert "/da/accounts/notifications/inbox/" in client.get("/da/catalogue/").content.decode()


@pytest.mark.django_db
def test_signed_in_buyer_sees_a_price_change_in_the_cart_and_catalogue_on_the_next_page(client, buyer):
    record = StockRecord.objects.filter(num_in_stock__gt=5, product__is_public=True).order_by("pk").first()
    client.post(f"/da/basket/add/{record.product_id}/", {"quantity": 1})
    client.get("/da/catalogue/")

    record.price = Decimal("100.00")  # excl. VAT: 125,00 kr. for the buyer
    record.save()

    assert "125,00" in client.get("/da/basket/").content.decode()
    assert "125,00" in client.get(record.product.get_absolute_url()).content.decode()


@pytest.mark.django_db
def test_cached_product_cards_show_a_new_price_and_carry_each_buyers_own_csrf_token(
    client, buyer, shop_with_pictures
):
    import re

    from django.test import Client

    record = StockRecord.objects.get(product__upc="HF-VIN-01")
    url = record.product.categories.first().get_absolute_url()
    assert record.product.title in client.get(url).content.decode()  # cards and grid now cached

    record.price = Decimal("200.00")  # 250,00 kr. incl. VAT
    record.save()
    html = client.get(url).content.decode()
    assert "250,00" in html

    other = Client()
    other.force_login(shop_with_pictures.staff)
    other_html = other.get(url).content.decode()
    tokens = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html))
    other_tokens = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', other_html))
    assert tokens and other_tokens and not tokens & other_tokens
    assert "__storefront_csrf_token__" not in html + other_html


# The listing cache (catalogue.selectors.product_listing_page): a signed-in listing page takes
# its count and product ids from the storefront cache, and its cards from the fragment cache,
# so nothing but a version bump may make it show something new. The entries here live an hour.


@pytest.fixture
def listing_cached(settings):
    settings.STOREFRONT_CACHE_SECONDS = 3600


def _listing(client, url: str) -> tuple[str, int]:
    """The page's HTML and how many of its queries read products."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    product_queries = sum('FROM "catalogue_product"' in query["sql"] for query in ctx.captured_queries)
    return response.content.decode(), product_queries


def _count_shown(html: str) -> int:
    import re

    found = re.search(r'storefront-summary">\s*<p class="mb-0">\s*<strong>(\d+)</strong>', html)
    assert found, "no product count on the page"
    return int(found.group(1))


def _card(html: str, product) -> str:
    start = html.index(f'data-product-id="{product.pk}"')
    return html[start : html.index("</article>", start)]


def _first_listed_record():
    from marketplace.oscar_apps.catalogue.selectors import product_queryset_for_listing

    product = product_queryset_for_listing().filter(stockrecords__num_in_stock__gt=5).order_by("pk").first()
    return StockRecord.objects.filter(product=product).order_by("pk").first()


def _new_product(*, title: str, category=None):
    vendor_record = (
        StockRecord.objects.filter(partner__vendor_profile__status="approved", product__is_public=True)
        .order_by("pk")
        .first()
    )
    product = Product.objects.create(
        title=title,
        structure=Product.STANDALONE,
        product_class=vendor_record.product.product_class,
        is_public=True,
    )
    StockRecord.objects.create(
        product=product,
        partner=vendor_record.partner,
        partner_sku=f"NEW-{product.pk}",
        price=Decimal("40.00"),
        num_in_stock=10,
    )
    if category is not None:
        product.categories.add(category)
    return product


@pytest.mark.django_db
def test_signed_in_catalogue_comes_from_the_listing_cache_and_shows_a_price_change_on_the_next_page(
    client, buyer, listing_cached
):
    record = _first_listed_record()
    client.get("/da/catalogue/")  # count, ids, grid and cards now cached
    html, product_queries = _listing(client, "/da/catalogue/")
    assert product_queries == 0  # neither the COUNT nor the listing query ran
    assert "401,25" not in _card(html, record.product)

    record.price = Decimal("321.00")  # excl. VAT: 401,25 kr. for the buyer
    record.save()

    html, product_queries = _listing(client, "/da/catalogue/")
    assert "401,25" in _card(html, record.product)
    assert product_queries > 0  # read afresh


@pytest.mark.django_db
def test_signed_in_catalogue_shows_a_product_out_of_stock_on_the_next_page(client, buyer, listing_cached):
    record = _first_listed_record()
    html, _ = _listing(client, "/da/catalogue/")
    assert "btn btn-secondary btn-block disabled" not in _card(html, record.product)  # can be added

    record.num_in_stock = 0
    record.save()

    html, _ = _listing(client, "/da/catalogue/")
    assert "btn btn-secondary btn-block disabled" in _card(html, record.product)


@pytest.mark.django_db
def test_a_new_or_hidden_product_changes_the_count_on_the_next_signed_in_catalogue_and_category_page(
    client, buyer, listing_cached
):
    from oscar.core.loading import get_model

    category = get_model("catalogue", "Category").objects.get(name="Kaffe og te")
    catalogue_count = _count_shown(_listing(client, "/da/catalogue/")[0])
    category_count = _count_shown(_listing(client, category.get_absolute_url())[0])
    assert _count_shown(_listing(client, "/da/catalogue/")[0]) == catalogue_count  # from the cache

    product = _new_product(title="Ny kaffe fra Havefolket", category=category)

    assert _count_shown(_listing(client, "/da/catalogue/")[0]) == catalogue_count + 1
    assert _count_shown(_listing(client, category.get_absolute_url())[0]) == category_count + 1

    product.is_public = False
    product.save()

    assert _count_shown(_listing(client, "/da/catalogue/")[0]) == catalogue_count
    assert _count_shown(_listing(client, category.get_absolute_url())[0]) == category_count


@pytest.mark.django_db
def test_a_cached_listing_page_beyond_the_last_is_still_not_found(client, buyer, listing_cached):
    assert client.get("/da/catalogue/?page=1").status_code == 200
    assert client.get("/da/catalogue/?page=1").status_code == 200  # from the listing cache
    assert client.get("/da/catalogue/?page=999").status_code == 404
    assert client.get("/da/catalogue/?page=abc").status_code == 404


@pytest.mark.django_db
def test_signed_in_product_page_from_the_cache_shows_a_price_stock_and_review_change_on_the_next_page(
    client, buyer, listing_cached
):
    from oscar.core.loading import get_model

    ProductReview = get_model("reviews", "ProductReview")
    record = _first_listed_record()
    url = record.product.get_absolute_url()
    client.get(url)  # the product with its offers now cached
    html, product_queries = _listing(client, url)
    assert "401,25" not in html
    assert product_queries == 1  # only the reviews count and the buyer's own facts

    assert 'id="add_to_basket_form"' in html
    assert "review-list" not in html

    record.price = Decimal("321.00")  # 401,25 kr. incl. VAT
    record.save()
    assert "401,25" in client.get(url).content.decode()

    record.num_in_stock = 0
    record.save()
    assert 'id="add_to_basket_form"' not in client.get(url).content.decode()  # nothing to add any more

    ProductReview.objects.create(
        product=record.product,
        user=buyer,
        title="Rigtig god marmelade",
        body="Meget god.",
        score=5,
        status=ProductReview.APPROVED,
    )
    html = client.get(url).content.decode()
    assert 'class="list-unstyled review-list"' in html and "Rigtig god marmelade" in html


@pytest.mark.django_db
def test_signed_in_product_page_shows_a_new_description_and_recommendation_on_the_next_page(
    client, buyer, listing_cached
):
    from oscar.core.loading import get_model

    ProductRecommendation = get_model("catalogue", "ProductRecommendation")
    record = _first_listed_record()
    product = record.product
    url = product.get_absolute_url()
    client.get(url)  # product, recommendations, gallery and description now cached
    html = client.get(url).content.decode()
    assert "Recommended items" not in html and "Anbefalede" not in html

    product.description = "<p>Nu med <strong>solbær</strong> fra Fyn.</p><script>alert(1)</script>"
    product.save()
    html = client.get(url).content.decode()
    assert "<strong>solbær</strong> fra Fyn." in html and "alert(1)" not in html  # sanitised, not stale

    other = _new_product(title="Anbefalet honning")
    assert "Anbefalet honning" not in client.get(url).content.decode()  # cached again, without it
    ProductRecommendation.objects.create(primary=product, recommendation=other, ranking=1)
    assert "Anbefalet honning" in client.get(url).content.decode()


@pytest.mark.django_db
def test_the_wish_list_menu_on_a_product_page_follows_the_buyers_own_lists_on_the_next_page(
    client, buyer, listing_cached
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from oscar.core.loading import get_model

    from marketplace.layout.user_cache import user_cache_clear
    from marketplace.layout.wishlists import WISHLISTS

    WishList = get_model("wishlists", "WishList")
    # A test database starts its ids afresh; an earlier run's entry for this user id may be in Redis.
    user_cache_clear(kind=WISHLISTS, user_ids=[buyer.pk])
    product = _first_listed_record().product
    url = product.get_absolute_url()
    html = client.get(url).content.decode()
    assert 'id="add_to_wishlist_form"' in html and "Product is in" not in html  # no list yet

    client.post(f"/da/accounts/wishlists/add/{product.pk}/")  # Oscar makes the first list
    wishlist = WishList.objects.get(owner=buyer)
    html = client.get(url).content.decode()
    assert f"/da/accounts/wishlists/{wishlist.key}/" in html  # "Product is in '…'" with a link
    assert f"/da/accounts/wishlists/{wishlist.key}/products/{product.pk}/delete/" in html

    with CaptureQueriesContext(connection) as ctx:
        client.get(url)
    assert not [q for q in ctx.captured_queries if "wishlists_" in q["sql"]]  # from the per-user cache

    wishlist.name = "Julegaver til mormor"
    wishlist.save()
    assert "Julegaver til mormor" in client.get(url).content.decode()
    assert (
        f"/en/accounts/wishlists/{wishlist.key}/"
        in client.get(url.replace("/da/", "/en/", 1)).content.decode()
    )

    wishlist.lines.all().delete()
    html = client.get(url).content.decode()
    assert f"/products/{product.pk}/delete/" not in html

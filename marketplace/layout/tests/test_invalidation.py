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

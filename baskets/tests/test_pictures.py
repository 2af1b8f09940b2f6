"""Gift-basket pictures composed from the products' images, made once and kept in media."""

import io
import os

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from oscar.core.loading import get_model
from PIL import Image

from baskets import pictures
from baskets.models import BasketDesign, BasketDesignItem, BasketType
from marketplace.demo import seed_base
from vendors.tests.conftest import VALID_CVRS, make_product, make_vendor

Product = get_model("catalogue", "Product")
ProductImage = get_model("catalogue", "ProductImage")

pytestmark = pytest.mark.django_db

RED, BLUE, GREEN = (200, 30, 30), (30, 30, 200), (30, 160, 30)


@pytest.fixture
def vendor(db):
    seed_base()
    return make_vendor("p", cvr=VALID_CVRS[5])


def _product(vendor, title: str, colour=None):
    product = make_product(vendor, title=title, sku=f"P-{title}")
    if colour is not None:
        buffer = io.BytesIO()
        Image.new("RGB", (300, 200), colour).save(buffer, format="PNG")
        image = ProductImage(product=product, display_order=0)
        image.original.save(f"{title.lower()}.png", ContentFile(buffer.getvalue()), save=True)
    return product


def _pixel(picture, x, y):
    with default_storage.open(picture.name, "rb") as handle:
        return Image.open(handle).convert("RGB").getpixel((x, y))


def _close(pixel, colour, tolerance=24):
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, colour, strict=True))


@pytest.fixture
def products(media_root, vendor):
    return {
        "red": _product(vendor, "Rød", RED),
        "blue": _product(vendor, "Blå", BLUE),
        "green": _product(vendor, "Grøn", GREEN),
        "plain": _product(vendor, "Uden billede"),
    }


@pytest.fixture
def basket_type(vendor):
    hub = make_vendor("h", cvr=VALID_CVRS[4])
    hub.is_hub = True
    hub.save()
    packaging = make_product(hub, title="Kurv", sku="H-KURV", food=False)
    return BasketType.objects.create(
        name="Testkurv",
        slug="testkurv",
        packaging_product=packaging,
        min_items=1,
        max_items=6,
        min_budget=0,
        max_budget=5000,
        allow_mixing=True,
    )


def _design(basket_type, name, *products, published=True):
    design = BasketDesign.objects.create(
        basket_type=basket_type, name=name, is_published=published, slug=name.lower() if published else None
    )
    for product in products:
        BasketDesignItem.objects.create(design=design, product=product, quantity=1)
    return design


def test_baskets_with_different_products_get_different_pictures_made_of_their_images(products):
    red_blue = pictures.basket_picture(products=[products["red"], products["blue"]])
    red_green = pictures.basket_picture(products=[products["red"], products["green"]])

    assert red_blue.name != red_green.name
    assert red_blue.name.startswith("giftbaskets/pictures/") and red_blue.url.startswith("/media/")
    # two images side by side: one half each (in file-name order, so any order of the products)
    halves = {_pixel(red_blue, 150, 320), _pixel(red_blue, 490, 320)}
    assert any(_close(p, RED) for p in halves) and any(_close(p, BLUE) for p in halves)
    assert any(_close(_pixel(red_green, x, 320), GREEN) for x in (150, 490))


def test_four_products_make_a_two_by_two_collage(products, vendor):
    yellow = _product(vendor, "Gul", (220, 200, 20))

    picture = pictures.basket_picture(products=[products["red"], products["blue"], products["green"], yellow])

    corners = [_pixel(picture, x, y) for x, y in ((150, 150), (490, 150), (150, 490), (490, 490))]
    for colour in (RED, BLUE, GREEN, (220, 200, 20)):
        assert sum(_close(pixel, colour) for pixel in corners) == 1, colour
    with default_storage.open(picture.name, "rb") as handle:
        assert Image.open(handle).size == (640, 640)


def test_the_same_set_of_images_reuses_the_file_without_composing_again(products, monkeypatch):
    first = pictures.basket_picture(products=[products["red"], products["blue"]])
    path = default_storage.path(first.name)
    os.utime(path, (1_000_000_000, 1_000_000_000))
    calls = []
    monkeypatch.setattr(pictures, "_compose", lambda names: calls.append(names))

    again = pictures.basket_picture(products=[products["blue"], products["red"]])  # other order, same set

    assert again == first
    assert calls == []
    assert os.stat(path).st_mtime == 1_000_000_000


def test_a_new_product_image_gives_the_basket_a_new_picture(products):
    before = pictures.basket_picture(products=[products["red"], products["blue"]])
    image = products["blue"].images.get()
    buffer = io.BytesIO()
    Image.new("RGB", (300, 200), GREEN).save(buffer, format="PNG")
    image.original.save("blaa-ny.png", ContentFile(buffer.getvalue()), save=True)

    after = pictures.basket_picture(products=[products["red"], products["blue"]])

    assert after.name != before.name
    assert any(_close(_pixel(after, x, 320), GREEN) for x in (150, 490))


def test_products_without_an_image_are_left_out_and_none_at_all_gives_no_picture(products):
    picture = pictures.basket_picture(products=[products["plain"], products["red"]])

    assert _close(_pixel(picture, 100, 100), RED) and _close(_pixel(picture, 540, 540), RED)  # red fills it
    assert pictures.basket_picture(products=[products["plain"]]) is None
    assert pictures.basket_picture(products=[]) is None


def test_an_unreadable_image_file_is_skipped(products):
    default_storage.delete(products["blue"].images.get().original.name)

    picture = pictures.basket_picture(products=[products["red"], products["blue"]])

    assert _close(_pixel(picture, 320, 320), RED)


def test_a_media_disk_that_refuses_the_file_costs_the_picture_not_the_page(products, monkeypatch):
    def refuse(*args, **kwargs):
        raise PermissionError("read-only file system")

    monkeypatch.setattr(default_storage, "save", refuse)

    assert pictures.basket_picture(products=[products["red"]]) is None


def test_ready_made_card_and_page_show_the_basket_picture(client, products, basket_type):
    design = _design(basket_type, "Farvekurv", products["red"], products["blue"], products["plain"])
    expected = pictures.basket_picture(products=[products["red"], products["blue"]])
    _design(basket_type, "Blank", products["plain"])

    index = client.get("/da/gavekurve/").content.decode()
    detail = client.get(f"/da/gavekurve/faerdige/{design.slug}/").content.decode()

    assert f'src="{expected.url}"' in index
    assert index.count('class="card-img-top basket-picture"') == 1  # the basket without images has none
    assert f'src="{expected.url}"' in detail
    assert 'alt="Varerne i Farvekurv"' in detail


def test_a_gift_basket_in_the_cart_shows_its_picture(client, products, basket_type):
    design = _design(basket_type, "Kurvkurv", products["green"], products["plain"])
    expected = pictures.basket_picture(products=[products["green"]])

    client.post(f"/da/gavekurve/faerdige/{design.slug}/i-kurv/", {"quantity": 2})
    cart = client.get("/da/basket/").content.decode()

    assert 'data-testid="cart-gift-basket"' in cart
    assert f'src="{expected.url}"' in cart


def test_prefetched_images_need_no_query(products, django_assert_num_queries):
    ids = [products["red"].pk, products["plain"].pk]
    loaded = list(Product.objects.filter(pk__in=ids).prefetch_related("images"))
    pictures.basket_picture(products=loaded)  # composed and stored once

    with django_assert_num_queries(0):
        picture = pictures.basket_picture(products=loaded)

    assert picture == pictures.basket_picture(products=[products["red"]])


def test_cart_pictures_cost_no_query_per_gift_basket(client, products, basket_type):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def cart_queries():
        client.get("/da/basket/")  # pictures are composed on the first view
        with CaptureQueriesContext(connection) as queries:
            html = client.get("/da/basket/").content.decode()
        return len(queries), html.count('class="basket-picture basket-picture--small')

    one = _design(basket_type, "En", products["red"], products["blue"])
    two = _design(basket_type, "To", products["green"])
    client.post(f"/da/gavekurve/faerdige/{one.slug}/i-kurv/", {"quantity": 1})
    with_one = cart_queries()
    client.post(f"/da/gavekurve/faerdige/{two.slug}/i-kurv/", {"quantity": 1})
    with_two = cart_queries()

    assert (with_one[1], with_two[1]) == (1, 2)
    assert with_two[0] == with_one[0]


def test_the_composer_shows_small_thumbnails_not_the_full_size_images(client, products, basket_type):
    import re

    from django.core.cache import cache
    from django.urls import reverse
    from sorl.thumbnail import default

    from marketplace.oscar_apps.catalogue.templatetags.storefront_tags import thumbnail_urls_forget

    # sorl (and the storefront's thumbnail tag) remember thumbnails they made by source file name; an
    # earlier test's media folder is gone, so start from an empty store as a fresh deployment would.
    default.kvstore.clear()
    cache.clear()
    thumbnail_urls_forget()
    response = client.get(reverse("giftbaskets:composer"))

    html = response.content.decode()
    thumbs = re.findall(r'<img src="([^"]+)"[^>]*composer-thumb', html)
    red_original = products["red"].primary_image().original.url
    assert thumbs and red_original not in html
    for url in thumbs:
        path = url.removeprefix(settings.MEDIA_URL)
        with default_storage.open(path, "rb") as handle:
            assert max(Image.open(handle).size) <= 176

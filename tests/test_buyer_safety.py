"""Hidden products cannot be bought, alerted on or reviewed; reviews wait for staff (issue 11.8)."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from oscar.core.loading import get_class, get_model

from vendors.tests.conftest import VALID_CVRS, catalogue_base, make_product, make_vendor  # noqa: F401

Basket = get_model("basket", "Basket")
Product = get_model("catalogue", "Product")
ProductAlert = get_model("customer", "ProductAlert")
ProductReview = get_model("reviews", "ProductReview")
Selector = get_class("partner.strategy", "Selector")

pytestmark = pytest.mark.django_db


@pytest.fixture
def vendor(catalogue_base):  # noqa: F811
    return make_vendor("h4", cvr=VALID_CVRS[2])


@pytest.fixture
def hidden_product(vendor):
    """A vendor's product still awaiting staff approval: in stock, but not public."""
    return make_product(vendor, title="Hemmelig hyldebærsaft", sku="H4-HID", is_public=False)


@pytest.fixture
def public_product(vendor):
    return make_product(vendor, title="Offentlig æblemost", sku="H4-PUB")


def _cart_products(client) -> list[str]:
    response = client.get(reverse("basket:summary"))
    return [line.product.title for line in response.context["basket"].all_lines()]


def test_post_to_basket_add_for_an_unapproved_product_leaves_the_basket_empty(client, hidden_product):
    url = reverse("basket:add", kwargs={"pk": hidden_product.pk})
    response = client.post(url, {"quantity": 1}, follow=True)

    assert response.status_code in (200, 404)
    assert _cart_products(client) == []
    assert not Basket.objects.filter(lines__product=hidden_product).exists()


def test_post_to_basket_add_for_a_public_product_still_works(client, public_product):
    client.post(reverse("basket:add", kwargs={"pk": public_product.pk}), {"quantity": 1})

    assert _cart_products(client) == ["Offentlig æblemost"]


def test_strategy_treats_hidden_products_as_unavailable_but_keeps_public_ones(hidden_product, public_product):
    strategy = Selector().strategy()

    hidden = strategy.fetch_for_product(hidden_product)
    public = strategy.fetch_for_product(public_product)

    assert not hidden.availability.is_available_to_buy
    assert not hidden.availability.is_purchase_permitted(1)[0]
    assert public.availability.is_available_to_buy


def test_strategy_treats_a_variant_of_a_hidden_parent_as_unavailable(vendor, public_product):
    parent = Product.objects.create(
        title="Skjult forælder",
        product_class=public_product.product_class,
        structure=Product.PARENT,
        is_public=False,
    )
    public_product.parent, public_product.structure = parent, Product.CHILD
    public_product.product_class = None
    public_product.save()

    info = Selector().strategy().fetch_for_product(Product.objects.get(pk=public_product.pk))

    assert not info.availability.is_available_to_buy


def test_a_basket_types_hidden_packaging_stays_buyable_inside_gift_baskets(shop):
    from baskets.models import BasketType

    packaging = BasketType.objects.select_related("packaging_product").first().packaging_product
    assert not packaging.is_public

    info = Selector().strategy().fetch_for_product(packaging)

    assert info.availability.is_available_to_buy


def test_alert_form_for_an_unapproved_product_is_not_found_and_shows_nothing(client, hidden_product):
    url = reverse("customer:alert-create", kwargs={"pk": hidden_product.pk})

    invalid_post = client.post(url, {"email": "not-an-email"})
    valid_post = client.post(url, {"email": "buyer@example.com"})
    get = client.get(url)

    for response in (invalid_post, valid_post, get):
        assert response.status_code == 404
        assert "Hemmelig hyldebærsaft" not in response.content.decode()
        assert str(hidden_product.pk) not in response.cookies.get("oscar_history", "")
    assert not ProductAlert.objects.exists()


def test_alert_form_for_a_public_product_still_creates_an_alert(client, public_product):
    url = reverse("customer:alert-create", kwargs={"pk": public_product.pk})
    client.post(url, {"email": "buyer@example.com"})

    assert ProductAlert.objects.filter(product=public_product, email="buyer@example.com").exists()


def _review_url(product, name, **kwargs):
    kwargs = {"product_slug": product.slug, "product_pk": product.pk, **kwargs}
    return reverse(f"catalogue:{name}", kwargs=kwargs)


def test_anonymous_visitor_cannot_publish_a_review(client, public_product):
    client.post(
        _review_url(public_product, "reviews-add"),
        {"title": "Spam", "score": 5, "body": "Køb billige ure", "name": "Bot", "email": "bot@example.com"},
    )

    assert not ProductReview.objects.exists()


def test_a_review_awaiting_moderation_is_not_shown_until_staff_approve_it(client, public_product):
    buyer = get_user_model().objects.create_user(username="b@example.com", email="b@example.com")
    client.force_login(buyer)
    client.post(
        _review_url(public_product, "reviews-add"),
        {"title": "Dejlig most", "score": 5, "body": "Smager af sommer"},
    )
    review = ProductReview.objects.get()
    client.logout()

    detail = client.get(_review_url(public_product, "reviews-detail", pk=review.pk))
    product_page = client.get(public_product.get_absolute_url())
    vote = client.post(_review_url(public_product, "reviews-vote", pk=review.pk), {"delta": 1})

    assert review.status == ProductReview.FOR_MODERATION
    assert detail.status_code == 404
    assert "Dejlig most" not in product_page.content.decode()
    assert vote.status_code in (302, 404)

    review.status = ProductReview.APPROVED
    review.save()
    approved = client.get(_review_url(public_product, "reviews-detail", pk=review.pk))
    assert "Dejlig most" in approved.content.decode()


def test_a_review_cannot_be_read_under_another_products_url(client, public_product, vendor):
    other = make_product(vendor, title="Anden vare", sku="H4-OTHER")
    review = ProductReview.objects.create(
        product=public_product,
        title="Godkendt",
        score=4,
        body="Fin",
        status=ProductReview.APPROVED,
        name="A",
        email="a@example.com",
    )

    assert client.get(_review_url(other, "reviews-detail", pk=review.pk)).status_code == 404
    assert client.get(_review_url(public_product, "reviews-detail", pk=review.pk)).status_code == 200

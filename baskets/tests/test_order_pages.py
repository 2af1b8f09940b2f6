"""Checkout, confirmation and order history list a gift basket as one item with one price."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.sessions.backends.cache import SessionStore
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import translation
from oscar.core.loading import get_class, get_model

from baskets.selectors import default_strategy, design_summary
from baskets.services import gift_basket_add_to_cart

Basket = get_model("basket", "Basket")
OrderCreator = get_class("order.utils", "OrderCreator")
OrderTotalCalculator = get_class("checkout.calculators", "OrderTotalCalculator")
Free = get_class("shipping.methods", "Free")

pytestmark = pytest.mark.django_db


def _html(response):
    return response.content.decode().replace("\xa0", " ").replace("&#x27;", "'")


@pytest.fixture
def placed_order(three_vendor_design, shop):
    user = shop.staff
    strategy = default_strategy()
    basket = Basket.objects.create(owner=user)
    gift_basket_add_to_cart(basket=basket, design=three_vendor_design, quantity=3, strategy=strategy)
    basket = Basket.objects.get(pk=basket.pk)
    basket.strategy = strategy
    shipping = Free()
    charge = shipping.calculate(basket)
    total = OrderTotalCalculator().calculate(basket, charge)
    order = OrderCreator().place_order(
        basket=basket,
        user=user,
        total=total,
        shipping_method=shipping,
        shipping_charge=charge,
        order_number="GB-200001",
    )
    return user, order


def test_order_history_lists_the_gift_basket_as_one_item_with_one_price(client, placed_order):
    user, order = placed_order
    client.force_login(user)

    html = _html(client.get(f"/da/accounts/orders/{order.number}/"))

    assert "Gavekurv 'Testdesign' × 3" in html
    assert "1.473,00 kr." in html  # 3 × 491,00 kr., the composer's price
    assert "God jul" in html
    assert "2 × Espresso Morgenrøde" in html and "(Ristet Ro Kafferisteri)" in html
    assert html.count('data-testid="order-gift-basket"') == 1


def test_order_confirmation_lists_the_gift_basket_as_one_item_with_one_price(client, placed_order):
    user, order = placed_order
    client.force_login(user)  # a superuser may look at any order's confirmation

    html = _html(client.get(f"/da/checkout/thank-you/?order_number={order.number}"))

    assert "Gavekurv 'Testdesign' × 3" in html
    assert 'data-testid="order-gift-basket-total">1.473,00 kr.' in html
    assert "Flettet gavekurv, pakket og samlet" in html


def test_checkout_order_contents_show_the_gift_basket_with_the_carts_price(three_vendor_design):
    strategy = default_strategy()
    basket = Basket.objects.create()
    gift_basket_add_to_cart(basket=basket, design=three_vendor_design, quantity=2, strategy=strategy)
    basket.strategy = strategy
    request = RequestFactory().get("/da/checkout/preview/")
    request.user, request.basket, request.strategy = AnonymousUser(), basket, strategy
    request.session = SessionStore()
    composer_price = design_summary(design=three_vendor_design, strategy=strategy).unit_price_incl_tax

    with translation.override("da"):
        html = render_to_string("oscar/checkout/checkout.html", {"basket": basket}, request=request)
    html = html.replace("\xa0", " ").replace("&#x27;", "'")

    assert composer_price == Decimal("491.00")
    assert "Gavekurv 'Testdesign' × 2" in html
    assert 'data-testid="cart-gift-basket-total">982,00 kr.' in html
    assert "Antal kurve" not in html  # quantities are changed in the cart, not at checkout

"""Delivery costs the configured price per gift basket; collecting at the hub is free."""

from decimal import Decimal

import pytest
from oscar.core.loading import get_model

from baskets.models import BasketDesign
from baskets.services import gift_basket_add_to_cart
from marketplace.oscar_apps.partner.strategy import Selector
from marketplace.oscar_apps.shipping.methods import CollectAtHub, Delivery

from .conftest import product_in_stock

Basket = get_model("basket", "Basket")


@pytest.mark.django_db
def test_delivery_is_priced_per_gift_basket_copy(shop, settings):
    settings.MARKETPLACE_DELIVERY_PRICE_PER_BASKET = Decimal("59.00")
    basket = Basket.objects.create()
    design = BasketDesign.objects.get(slug="julekurv-fra-aarhus")
    gift_basket_add_to_cart(basket=basket, design=design, quantity=3)

    charge = Delivery().calculate(basket)

    assert charge.incl_tax == Decimal("177.00")
    assert charge.excl_tax == Decimal("141.60")
    assert CollectAtHub().calculate(basket).incl_tax == Decimal("0.00")


@pytest.mark.django_db
def test_an_order_of_loose_items_pays_delivery_once(settings):
    settings.MARKETPLACE_DELIVERY_PRICE_PER_BASKET = Decimal("45.00")
    basket = Basket.objects.create()
    basket.strategy = Selector().strategy()
    basket.add_product(product_in_stock(), quantity=4)

    assert Delivery().calculate(basket).incl_tax == Decimal("45.00")

"""Fixtures for gift-basket tests: a basket type with hub packaging and a three-vendor design."""

from decimal import Decimal

import pytest
from oscar.core.loading import get_model

from baskets.models import BasketDesign, BasketDesignItem, BasketType

Basket = get_model("basket", "Basket")
Product = get_model("catalogue", "Product")

# One product from each of three vendors (none of them the hub).
THREE_VENDOR_SKUS = {"HF-VIN-01": 1, "RR-KAF-01": 2, "SB-SMA-01": 1}


@pytest.fixture
def basket_type(shop):
    """A type with generous limits, packed in the hub's flettede kurv (the factory shop's products)."""
    return BasketType.objects.create(
        name="Testkurv",
        slug="testkurv",
        packaging_product=shop.product("VB-PAK-KURV"),
        min_items=3,
        max_items=6,
        min_budget=Decimal("200.00"),
        max_budget=Decimal("1000.00"),
        allow_mixing=True,
    )


def make_design(*, basket_type, skus: dict[str, int], name="Testdesign", message="God jul") -> BasketDesign:
    design = BasketDesign.objects.create(basket_type=basket_type, name=name, gift_message=message)
    products = {p.upc: p for p in Product.objects.filter(upc__in=list(skus))}
    for sku, quantity in skus.items():
        BasketDesignItem.objects.create(design=design, product=products[sku], quantity=quantity)
    return design


@pytest.fixture
def three_vendor_design(basket_type):
    return make_design(basket_type=basket_type, skus=THREE_VENDOR_SKUS)


@pytest.fixture
def fresh_basket(db):
    """An Oscar basket created outside any request, like a bulk order does."""
    return Basket.objects.create()

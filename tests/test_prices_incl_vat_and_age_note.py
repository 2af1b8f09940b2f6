"""Danish buyers see "inkl. moms" on prices and totals, and the age limit on alcohol (issue 14)."""

import re
from decimal import Decimal

import pytest
from django.urls import reverse
from oscar.core.loading import get_model

from vendors.models import ALCOHOL_ATTRIBUTE_CODE
from vendors.tests.conftest import VALID_CVRS, catalogue_base, make_product, make_vendor  # noqa: F401

ProductAttribute = get_model("catalogue", "ProductAttribute")

pytestmark = pytest.mark.django_db


@pytest.fixture
def products(catalogue_base):  # noqa: F811
    vendor = make_vendor("vin", cvr=VALID_CVRS[2])
    wine = make_product(vendor, title="Rødvin Solhverv", sku="VIN-1", price="151.20")
    ProductAttribute.objects.get(code=ALCOHOL_ATTRIBUTE_CODE).save_value(wine, 12.5)
    juice = make_product(vendor, title="Æblemost", sku="VIN-2", price="36.00")
    return wine, juice


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_the_wine_page_states_the_age_limit_and_the_juice_page_does_not(client, products):
    wine, juice = products

    wine_page = _text(client.get(f"/da{wine.get_absolute_url()[3:]}"))
    juice_page = _text(client.get(f"/da{juice.get_absolute_url()[3:]}"))

    assert "Indeholder alkohol (12,5 % vol.): sælges ikke til personer under 16 år" in wine_page
    assert "Indeholder alkohol" not in juice_page
    assert "189,00 kr. inkl. moms" in wine_page  # 151,20 + 25 % VAT


def test_catalogue_prices_and_the_cart_total_say_incl_vat(client, products):
    wine, _juice = products
    with_lang = "/da" + reverse("catalogue:index")[3:]
    assert "189,00 kr. inkl. moms" in _text(client.get(with_lang))

    client.post(reverse("basket:add", kwargs={"pk": wine.pk}), {"quantity": 2})
    cart = _text(client.get("/da" + reverse("basket:summary")[3:]))

    assert "Kurv total 378,00 kr." in cart
    pattern = r"Ordre total ([\d.]+,\d\d) kr\. inkl\. moms heraf moms ([\d.]+,\d\d) kr\."
    total, vat = re.search(pattern, cart).groups()
    total, vat = (Decimal(x.replace(".", "").replace(",", ".")) for x in (total, vat))
    assert total > Decimal("378.00") and vat == total / 5  # 25 % VAT is a fifth of a price incl. VAT

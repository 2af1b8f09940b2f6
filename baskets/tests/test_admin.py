"""Staff manage basket types and publish designs as ready-made baskets in the Django admin."""

from decimal import Decimal

import pytest
from oscar.core.loading import get_model

from baskets.models import BasketDesign, BasketType

Product = get_model("catalogue", "Product")

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_client(client, shop):
    client.force_login(shop.staff)
    return client


def test_staff_publish_a_design_as_a_ready_made_basket(staff_client):
    design = BasketDesign.objects.create(
        basket_type=BasketType.objects.get(slug="gavekurv"), name="Sommerkurv"
    )

    response = staff_client.post(
        "/admin/giftbaskets/basketdesign/",
        {"action": "publish", "_selected_action": [design.pk]},
        follow=True,
    )

    design.refresh_from_db()
    assert response.status_code == 200
    assert design.is_published and design.slug == f"sommerkurv-{design.pk}"
    assert "Sommerkurv" in staff_client.get("/da/gavekurve/").content.decode()


def test_a_basket_type_must_be_packed_with_a_product_of_the_hub(staff_client):
    not_hub = Product.objects.get(upc="HF-VIN-01")

    response = staff_client.post(
        "/admin/giftbaskets/baskettype/add/",
        {
            "name": "Vinkurv",
            "slug": "vinkurv",
            "packaging_product": not_hub.pk,
            "min_items": 2,
            "max_items": 4,
            "min_budget": "",
            "max_budget": Decimal("500"),
            "allow_mixing": "on",
            "is_active": "on",
            "display_order": 5,
        },
    )

    assert response.status_code == 200
    assert "Emballagen skal leveres af pakkehubben." in response.content.decode()
    assert not BasketType.objects.filter(slug="vinkurv").exists()


def test_buyers_cannot_open_the_admin(client, shop):
    client.force_login(shop.customer)

    response = client.get("/admin/giftbaskets/baskettype/")

    assert response.status_code == 302 and "/admin/login/" in response["Location"]

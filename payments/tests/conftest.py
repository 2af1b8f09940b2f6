"""Helpers for checkout tests: a stocked product and a guest walking Oscar's checkout with a test client."""

from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import translation
from oscar.core.loading import get_model

Partner = get_model("partner", "Partner")
Product = get_model("catalogue", "Product")
ProductClass = get_model("catalogue", "ProductClass")
StockRecord = get_model("partner", "StockRecord")

ADDRESS = {
    "first_name": "Karen",
    "last_name": "Jensen",
    "line1": "Vestergade 3",
    "postcode": "8000",
    "line4": "Aarhus C",
    "phone_number": "20 30 40 50",
    "notes": "",
}


def product_in_stock(*, title="Julekurv Solhverv", price_excl_vat="200.00", stock=10, sku=None):
    """A public product with one stock record; 200 kr. excl. VAT = 250 kr. for the buyer."""
    product_class, _created = ProductClass.objects.get_or_create(
        name="Gavekurv", defaults={"track_stock": True, "requires_shipping": True}
    )
    partner, _created = Partner.objects.get_or_create(code="hub", defaults={"name": "Verdensbutikken"})
    product = Product.objects.create(title=title, product_class=product_class, is_public=True)
    StockRecord.objects.create(
        product=product,
        partner=partner,
        partner_sku=sku or f"SKU-{product.pk}",
        price=Decimal(price_excl_vat),
        num_in_stock=stock,
        num_allocated=0,
    )
    return product


def checkout_to_preview(
    client, *, product, quantity=1, email="guest@example.dk", method="delivery", language="en"
):
    """Guest checkout up to the preview page; returns nothing, raises if a step fails."""
    with translation.override(language):
        response = client.post(reverse("basket:add", kwargs={"pk": product.pk}), {"quantity": quantity})
        assert response.status_code == 302, response
        response = client.post(reverse("checkout:index"), {"username": email, "options": "anonymous"})
        assert response.status_code == 302, response.content.decode()[:2000]
        response = client.post(reverse("checkout:shipping-address"), ADDRESS)
        assert response.status_code == 302, response.content.decode()[:3000]
        response = client.post(reverse("checkout:shipping-method"), {"method_code": method})
        assert response.status_code == 302, response


def place_order(client, *, language="en"):
    """Press "Pay" on the preview: a redirect to the double's hosted page, or the preview with an error."""
    with translation.override(language):
        return client.post(reverse("checkout:preview"), {"action": "place_order", "accept_terms": "1"})


def session_id_from(response) -> str:
    return urlsplit(response["Location"]).path.rsplit("/", 1)[-1]


def return_from_stripe(client, double, session_id, *, language="en"):
    """Follow the double's redirect after payment: the success URL with the session id filled in."""
    session = double.objects["checkout.session"][session_id]
    url = session["success_url"].replace("{CHECKOUT_SESSION_ID}", session_id)
    parts = urlsplit(url)
    return client.get(parts.path, {k: v[0] for k, v in parse_qs(parts.query).items()})


def cancel_from_stripe(client, double, session_id):
    session = double.objects["checkout.session"][session_id]
    parts = urlsplit(session["cancel_url"])
    return client.get(parts.path, {k: v[0] for k, v in parse_qs(parts.query).items()})


def deliver(client, double, event, *, timestamp=None):
    """POST a double's event to the webhook like Stripe would (signed with the endpoint secret)."""
    payload, signature = double.signed(event, timestamp=timestamp)
    return client.post(
        "/payments/stripe/webhook/",
        data=payload,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=signature,
    )


def events_of(double, type_):
    return [e for e in double.events if e["type"] == type_]


@pytest.fixture
def product(db):
    return product_in_stock()

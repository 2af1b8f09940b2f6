"""The order form: one address for all baskets, lead time, and the English pages."""

from datetime import timedelta

import pytest
from django.utils import timezone

from procurement.models import BulkOrder
from procurement.views import DRAFT_KEY

pytestmark = pytest.mark.django_db


@pytest.fixture
def municipality(municipal_buyers):
    """Factory data (procurement/tests/conftest.py: municipal_buyers), not the demo seed."""
    return municipal_buyers


def _single(m, **overrides):
    data = {
        "design": m.design.pk,
        "mode": "single",
        "quantity": "30",
        "name": "Kultur og Fritid, att. Anna",
        "street": "Rådhuspladsen 1",
        "postcode": "8000",
        "city": "Aarhus C",
        "message": "God jul",
        "requested_delivery_date": (timezone.localdate() + timedelta(days=10)).isoformat(),
    }
    data.update(overrides)
    return data


def test_one_address_for_all_baskets_goes_to_the_quote_and_becomes_one_manifest_row(client, municipality):
    m = municipality
    client.force_login(m.buyer)
    slug = m.organisation.slug

    response = client.post(f"/da/kommune/{slug}/bestil/", _single(m))
    assert response.status_code == 302 and response["Location"].endswith("/bestil/tilbud/")
    quote = client.get(response["Location"]).content.decode()
    assert "Mængderabat: 3 % fra 20 kurve" in quote
    client.post(
        response["Location"], {"location": m.location.pk, "po_number": "PO", "person_reference": "AB"}
    )

    bulk_order = BulkOrder.objects.get()
    assert bulk_order.basket_count == 30
    assert list(bulk_order.recipients.values_list("name", "quantity")) == [
        ("Kultur og Fritid, att. Anna", 30)
    ]


def test_one_address_needs_every_address_field(client, municipality):
    m = municipality
    client.force_login(m.buyer)

    response = client.post(f"/da/kommune/{m.organisation.slug}/bestil/", _single(m, street="", quantity=""))

    assert response.content.decode().count("error-street") == 1
    assert "error-quantity" in response.content.decode()
    assert DRAFT_KEY.format(m.organisation.pk) not in client.session


def test_delivery_date_inside_the_lead_time_is_refused(client, municipality, settings):
    settings.PROCUREMENT_LEAD_TIME_DAYS = 7
    m = municipality
    client.force_login(m.buyer)
    tomorrow = (timezone.localdate() + timedelta(days=1)).isoformat()

    response = client.post(
        f"/da/kommune/{m.organisation.slug}/bestil/", _single(m, requested_delivery_date=tomorrow)
    )

    earliest = (timezone.localdate() + timedelta(days=7)).strftime("%d.%m.%Y")
    assert f"tidligste leveringsdato er {earliest}" in response.content.decode()
    assert DRAFT_KEY.format(m.organisation.pk) not in client.session


def test_pages_are_in_english_under_en(client, municipality):
    client.force_login(municipality.buyer)

    html = client.get(f"/en/kommune/{municipality.organisation.slug}/").content.decode()

    assert "New bulk order" in html and "Impact report" in html

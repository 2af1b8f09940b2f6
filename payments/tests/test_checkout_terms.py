"""The buyer accepts the terms before "Pay": without the tick no payment starts and the preview says why."""

import pytest
from django.urls import reverse
from django.utils import translation

from payments.models import CheckoutPayment

from .conftest import checkout_to_preview, place_order

pytestmark = pytest.mark.django_db(transaction=True)


def test_preview_shows_the_terms_checkbox_with_links(client, stripe_double, product):
    checkout_to_preview(client, product=product, language="da")

    html = client.get("/da/checkout/preview/").content.decode()

    assert 'name="accept_terms"' in html
    assert 'href="/da/handelsbetingelser/"' in html and 'href="/da/fortrydelsesret/"' in html


def test_pay_without_accepting_the_terms_starts_no_payment_and_says_why(client, stripe_double, product):
    checkout_to_preview(client, product=product, language="da")

    with translation.override("da"):
        response = client.post(reverse("checkout:preview"), {"action": "place_order"})

    assert response.status_code == 200
    assert "Accepter handelsbetingelserne for at betale." in response.content.decode()
    assert CheckoutPayment.objects.count() == 0


def test_pay_with_the_terms_accepted_goes_to_the_payment_page(client, stripe_double, product):
    checkout_to_preview(client, product=product)

    response = place_order(client)

    assert response.status_code == 302 and response["Location"].startswith(stripe_double.url)
    assert CheckoutPayment.objects.count() == 1

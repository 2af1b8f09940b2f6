"""The buyer's order confirmation (issue 11 point 14): gift baskets grouped with their message,
in the buyer's language, an absolute link from SITE_DOMAIN, no HTML entities in the text part."""

import pytest
from django.core import mail

from baskets.tests.test_order_pages import placed_order  # noqa: F401  (fixture)
from payments.services import order_confirmation_send

pytestmark = pytest.mark.django_db


def test_danish_confirmation_groups_the_gift_basket_and_links_absolutely(placed_order):  # noqa: F811
    _user, order = placed_order
    order.lines.filter(pk=order.lines.first().pk).update(title="Honning & Mjød")

    order_confirmation_send(order_id=order.pk, language="da")

    message = mail.outbox[-1]
    body = message.body.replace("\xa0", " ")
    assert "Tak for din ordre GB-200001." in body
    assert "Gavekurv 'Testdesign' × 3 - 1.473,00 kr." in body
    assert "Gavehilsen: “God jul”" in body
    assert "Honning & Mjød" in body and "&amp;" not in body and "&#x27;" not in body
    assert f"http://faelleskurv.test/da/accounts/orders/{order.number}/" in body
    assert "example.com" not in body and "example.com" not in message.alternatives[0][0]
    assert "Venlig hilsen, Fælleskurv" in body
    html = message.alternatives[0][0]
    assert "Honning &amp; Mjød" in html  # the HTML part is escaped, as HTML must be


def test_english_buyer_gets_the_confirmation_in_english(placed_order):  # noqa: F811
    _user, order = placed_order

    order_confirmation_send(order_id=order.pk, language="en")

    body = mail.outbox[-1].body.replace("\xa0", " ")
    assert f"Thank you for your order {order.number}." in body
    assert "Gift basket 'Testdesign' × 3" in body
    assert f"http://faelleskurv.test/en/accounts/orders/{order.number}/" in body

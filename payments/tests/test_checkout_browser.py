"""A guest buys a ready-made gift basket in a real browser, paying on the Stripe double's hosted page."""

import re

import pytest
from django.core import mail
from oscar.core.loading import get_model
from playwright.sync_api import expect

from conftest import ARTIFACTS
from tests.browser_checks import shipping_method_button

Order = get_model("order", "Order")

BASKET_URL = "/da/gavekurve/faerdige/julekurv-fra-aarhus/"
CARD_SUCCESS = "4242424242424242"
CARD_DECLINE = "4000000000000002"
CARD_3DS = "4000002760003184"


@pytest.fixture
def shop(live_server, demo_data, stripe_double):
    stripe_double.webhook_url = f"{live_server.url}/payments/stripe/webhook/"
    return live_server.url


def _shot(page, name):
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"checkout-{name}.png"), full_page=True)


def _guest_checkout_to_payment_page(page, shop, name):
    """Ready-made basket into the cart, guest e-mail, Danish address, delivery, preview, "Pay"."""
    page.goto(shop + BASKET_URL)
    page.get_by_role("button", name="Læg gavekurven i kurven").click()
    expect(page).to_have_url(re.compile(r"/da/basket/$"))
    expect(page.get_by_test_id("cart-gift-basket")).to_have_count(1)

    page.goto(shop + "/da/checkout/")
    page.fill("#id_username", "gæst@example.dk".replace("æ", "ae"))
    page.get_by_label("Jeg er ny kunde og ønsker at betale som gæst").check()
    page.get_by_role("button", name="Fortsæt").click()
    expect(page).to_have_url(re.compile(r"/checkout/shipping-address/$"))
    page.fill("#id_first_name", "Karen")
    page.fill("#id_last_name", "Jensen")
    page.fill("#id_line1", "Vestergade 3")
    page.fill("#id_postcode", "8000")
    page.fill("#id_line4", "Aarhus C")
    page.fill("#id_phone_number", "20 30 40 50")
    page.get_by_role("button", name="Fortsæt").click()
    expect(page).to_have_url(re.compile(r"/checkout/shipping-method/$"))
    shipping_method_button(page, "Levering til din adresse").click()

    expect(page).to_have_url(re.compile(r"/checkout/preview/$"))
    expect(page.locator("#vat-summary")).to_contain_text("Moms (25 %)")
    expect(page.locator("#test-payment-notice")).to_be_visible()
    _shot(page, f"{name}-preview")
    page.check("#accept-terms")
    page.click("#place-order")
    expect(page).to_have_url(re.compile(r"/pay/cs_test_\w+$"))
    expect(page.locator(".notice")).to_contain_text("testdouble")
    _shot(page, f"{name}-stripe-page")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_guest_pays_a_ready_made_basket_with_delivery_and_gets_confirmation(page, shop, stripe_double):
    _guest_checkout_to_payment_page(page, shop, "success")

    page.fill("#card", CARD_SUCCESS)
    page.click("#submit")

    expect(page).to_have_url(re.compile(r"/da/checkout/thank-you/$"))
    expect(page.locator("#order-status")).to_have_text("Betalt")
    _shot(page, "success-thank-you")
    stripe_double.wait_for_webhooks()
    order = Order.objects.get()
    assert order.status == "Paid"
    assert order.guest_email == "gaest@example.dk"
    assert order.shipping_method == "Levering til din adresse"
    assert order.shipping_incl_tax == 59
    assert order.lines.filter(attributes__option__code="gift-basket").count() == order.lines.count()
    # (Vendors get their pick lists by e-mail too; the buyer gets exactly one confirmation.)
    confirmations = [m for m in mail.outbox if m.to == ["gaest@example.dk"]]
    assert len(confirmations) == 1
    assert order.number in confirmations[0].body and confirmations[0].alternatives
    assert confirmations[0].subject == f"Ordrebekræftelse på ordre nummer {order.number}"
    assert all(d["status"] == 200 for d in stripe_double.deliveries)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_declined_card_shows_why_places_no_order_and_keeps_the_cart(page, shop, stripe_double):
    _guest_checkout_to_payment_page(page, shop, "decline")

    page.fill("#card", CARD_DECLINE)
    page.click("#submit")
    expect(page.locator("#error")).to_contain_text("Dit kort blev afvist.")
    _shot(page, "decline-stripe-error")
    page.click("#back")

    expect(page).to_have_url(re.compile(r"/da/basket/$"))
    # (Oscar's shop messages have no alert role: the error is the red message with this text.)
    expect(page.locator(".alert-danger").filter(has_text="dit kort blev afvist")).to_be_visible()
    expect(page.get_by_test_id("cart-gift-basket")).to_have_count(1)
    _shot(page, "decline-basket")
    stripe_double.wait_for_webhooks()
    assert Order.objects.count() == 0
    assert mail.outbox == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_three_d_secure_card_pays_after_the_authentication_step(page, shop, stripe_double):
    _guest_checkout_to_payment_page(page, shop, "3ds")

    page.fill("#card", CARD_3DS)
    page.click("#submit")
    expect(page).to_have_url(re.compile(r"/pay/cs_test_\w+/3ds$"))
    _shot(page, "3ds-challenge")
    page.click("#complete")

    expect(page).to_have_url(re.compile(r"/da/checkout/thank-you/$"))
    stripe_double.wait_for_webhooks()
    assert Order.objects.get().status == "Paid"
    assert len([m for m in mail.outbox if m.to == ["gaest@example.dk"]]) == 1


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_buyer_returning_while_stripe_is_down_sees_the_confirming_page_until_the_order_is_placed(
    page, shop, stripe_double
):
    _guest_checkout_to_payment_page(page, shop, "stripe-down")
    session_id = page.url.rsplit("/", 1)[-1]
    assert stripe_double.pay(session_id) == "success"
    stripe_double.stop()  # Stripe is unreachable from now on, webhooks included

    success_url = stripe_double.objects["checkout.session"][session_id]["success_url"]
    page.goto(success_url.replace("{CHECKOUT_SESSION_ID}", session_id))

    expect(page.get_by_test_id("payment-confirming")).to_contain_text("Betal venligst ikke igen")
    expect(page.get_by_role("heading", level=1)).to_have_text("Vi bekræfter din betaling")
    _shot(page, "stripe-down-confirming")
    page.set_viewport_size({"width": 390, "height": 844})
    _shot(page, "stripe-down-confirming-phone")
    assert Order.objects.count() == 0

    stripe_double.start()

    # The page checks again by itself (meta refresh) and lands on the thank-you page.
    expect(page).to_have_url(re.compile(r"/da/checkout/thank-you/$"), timeout=30_000)
    expect(page.locator("#order-status")).to_have_text("Betalt")
    stripe_double.wait_for_webhooks(15)
    assert Order.objects.get().status == "Paid"
    assert len([m for m in mail.outbox if m.to == ["gaest@example.dk"]]) == 1

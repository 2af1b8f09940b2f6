"""A guest can get past "who are you?" with JavaScript switched off."""

import re

import pytest
from playwright.sync_api import expect

from conftest import ARTIFACTS

BASKET_URL = "/da/gavekurve/faerdige/julekurv-fra-aarhus/"


@pytest.fixture
def no_js_page(browser):
    context = browser.new_context(
        java_script_enabled=False, locale="da-DK", viewport={"width": 390, "height": 844}
    )
    context.set_default_timeout(20_000)
    page = context.new_page()
    yield page
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "checkout-gateway-without-js.png"), full_page=True)
    context.close()


def test_guest_checkout_continues_to_the_address_step_without_javascript(live_server, demo_data, no_js_page):
    page = no_js_page
    page.goto(live_server.url + BASKET_URL)
    page.locator("form[action$='/i-kurv/'] button[type=submit]").click()
    expect(page).to_have_url(re.compile(r"/da/basket/$"))

    page.goto(live_server.url + "/da/checkout/")
    page.fill("#id_username", "gaest@example.dk")
    expect(page.locator("input[value=anonymous]")).to_be_checked()
    page.locator("form button[type=submit]").first.click()

    expect(page).to_have_url(re.compile(r"/checkout/shipping-address/$"))


def test_returning_customer_without_a_password_is_told_to_enter_it(client, product):
    response = client.post(f"/en/basket/add/{product.pk}/", {"quantity": 1})
    assert response.status_code == 302

    response = client.post(
        "/en/checkout/", {"username": "karen@example.dk", "options": "existing", "password": ""}
    )

    assert response.status_code == 200
    assert "This field is required." in response.content.decode()

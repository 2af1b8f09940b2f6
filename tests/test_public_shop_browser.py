"""The public shop a buyer would trust: axe finds no critical or serious violation on the main pages,
desktop and phone, and no page scrolls sideways (nor puts a table cell off the screen) on a 375 px phone."""

import re

import pytest
from playwright.sync_api import expect

from marketplace.demo import DEMO_PASSWORD, MUNICIPAL_EMAIL, vendor_email
from tests.browser_checks import Sweep, shipping_method_button

READY_MADE = "/da/gavekurve/faerdige/julekurv-fra-aarhus/"
WIDTHS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 375, "height": 812}}


def _login(page, base, email):
    page.goto(f"{base}/da/accounts/login/")
    page.fill("#id_login-username", email)
    page.fill("#id_login-password", DEMO_PASSWORD)
    page.click("button[name=login_submit]")
    page.wait_for_load_state("load")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width_name", list(WIDTHS))
def test_main_pages_have_no_serious_accessibility_violations_and_fit_the_screen(
    browser, live_server, demo_data, width_name
):
    from procurement.demo import ORGANISATION_SLUG

    base = live_server.url
    context = browser.new_context(locale="da-DK", viewport=WIDTHS[width_name])
    context.set_default_timeout(20_000)
    page = context.new_page()
    sweep = Sweep(page, width_name)
    try:
        for name, path in (
            ("home", "/da/"),
            ("catalogue", "/da/catalogue/"),
            ("ready-made", READY_MADE),
            ("composer", "/da/gavekurve/sammensaet/"),
            ("kommune", "/da/kommune/"),
            ("login", "/da/accounts/login/"),
        ):
            page.goto(base + path)
            sweep.check(name)

        # A product page: a wine from the catalogue.
        page.goto(base + "/da/catalogue/")
        page.get_by_role("heading", name="Rødvin Solhverv 2024", exact=True).get_by_role("link").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Rødvin Solhverv 2024")
        sweep.check("product")

        # The basket and the guest checkout steps up to the preview.
        page.goto(base + READY_MADE)
        page.get_by_role("button", name="Læg gavekurven i kurven").click()
        expect(page).to_have_url(re.compile(r"/da/basket/$"))
        sweep.check("basket")
        page.goto(base + "/da/checkout/")
        sweep.check("checkout-login")
        page.fill("#id_username", "gaest@example.dk")
        page.get_by_label("Jeg er ny kunde og ønsker at betale som gæst").check()
        page.get_by_role("button", name="Fortsæt").click()
        expect(page).to_have_url(re.compile(r"/checkout/shipping-address/$"))
        sweep.check("checkout-address")
        page.fill("#id_first_name", "Karen")
        page.fill("#id_last_name", "Jensen")
        page.fill("#id_line1", "Vestergade 3")
        page.fill("#id_postcode", "8000")
        page.fill("#id_line4", "Aarhus C")
        page.fill("#id_phone_number", "20 30 40 50")
        page.get_by_role("button", name="Fortsæt").click()
        expect(page).to_have_url(re.compile(r"/checkout/shipping-method/$"))
        sweep.check("checkout-shipping")
        shipping_method_button(page, "Levering til din adresse").click()
        expect(page).to_have_url(re.compile(r"/checkout/preview/$"))
        sweep.check("checkout-preview")

        # The vendor dashboard home.
        context.clear_cookies()
        _login(page, base, vendor_email("havefolket"))
        page.goto(base + "/da/dashboard/")
        sweep.check("vendor-dashboard")

        # The municipal order page.
        context.clear_cookies()
        _login(page, base, MUNICIPAL_EMAIL)
        page.goto(f"{base}/da/kommune/{ORGANISATION_SLUG}/bestil/")
        sweep.check("municipal-order")
    finally:
        context.close()

    assert sweep.problems == {}, sweep.report()

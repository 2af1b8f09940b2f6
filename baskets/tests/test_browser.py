"""A buyer composes a basket from three enterprises in a real browser, with and without JavaScript."""

import re

import pytest
from playwright.sync_api import expect

from conftest import ARTIFACTS

PRODUCTS = (
    ("havefolket", "Rødvin Solhverv 2024"),
    ("ristet-ro", "Espresso Morgenrøde"),
    ("skovbrynet", "Julesmåkager"),
)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_buyer_composes_a_three_vendor_basket_and_adds_it_to_the_cart_twice(
    browser, live_server, demo_data, javascript
):
    context = browser.new_context(
        locale="da-DK", viewport={"width": 1280, "height": 900}, java_script_enabled=javascript
    )
    context.set_default_timeout(20_000)
    page = context.new_page()
    composer_url = f"{live_server.url}/da/gavekurve/sammensaet/"
    try:
        # Given the composer with the basket type "Gavekurv" chosen
        page.goto(composer_url)
        page.get_by_label("Gavekurv", exact=True).check()
        page.get_by_role("button", name="Brug denne kurvtype").click()
        expect(page.locator("#composer-design")).to_contain_text("Gavekurv")

        # When the buyer filters by each enterprise and adds one of its products
        for vendor, title in PRODUCTS:
            page.get_by_label("Virksomhed", exact=True).select_option(vendor)
            filters = page.get_by_role("search", name="Filtrér varer")
            filters.get_by_role("button", name="Filtrer", exact=True).click()
            # The filter is a plain GET: wait until the new page has loaded (and its deferred
            # composer script has run) before marking it or clicking in it.
            page.wait_for_url(f"**vendor={vendor}**", wait_until="load")
            # (Products other enterprises also offer are listed too, with their default offer's
            # vendor on the card: the filter shows what this enterprise makes.)
            expect(page.get_by_label("Virksomhed", exact=True)).to_have_value(vendor)
            expect(page.get_by_role("button", name=f"Tilføj {title}")).to_be_visible()
            if javascript:
                page.evaluate("window.noReload = true")
            page.get_by_role("button", name=f"Tilføj {title}").click()
            expect(page.get_by_test_id("design-item").filter(has_text=title)).to_have_count(1)
            if javascript:
                # The script swapped the design panel in place: the page was not reloaded.
                assert page.evaluate("window.noReload === true")
                expect(page.get_by_role("status")).to_contain_text(f"{title} er lagt i gavekurven.")

        # When the buyer changes a quantity in the panel, and then removes an extra product
        panel = page.locator("#composer-design")
        panel.get_by_label("Antal Julesmåkager").fill("2")
        panel.get_by_role("button", name="Opdater Julesmåkager").click()
        expect(page.get_by_test_id("composer-price")).to_have_text(re.compile(r"507,00\s*kr\."))
        panel = page.locator("#composer-design")
        panel.get_by_label("Antal Julesmåkager").fill("1")
        panel.get_by_role("button", name="Opdater Julesmåkager").click()
        page.get_by_role("button", name="Tilføj Brunkager").click()
        expect(page.get_by_test_id("design-item")).to_have_count(4)
        page.locator("#composer-design").get_by_role("button", name="Fjern Brunkager").click()

        # Then the panel shows the three enterprises and the price incl. packaging
        expect(page.get_by_test_id("design-item")).to_have_count(3)
        expect(page.get_by_test_id("supported-vendors").get_by_role("listitem")).to_have_count(3)
        # 189 + 79 + 95 kr. of products plus 49 kr. for the hub's basket, VAT included.
        expect(page.get_by_test_id("composer-price")).to_have_text(re.compile(r"412,00\s*kr\."))

        # When it goes into the cart, and then once more from the composer
        page.get_by_role("button", name="Læg gavekurven i kurven").click()
        expect(page).to_have_url(re.compile(r"/da/basket/$"))
        page.goto(composer_url)
        page.get_by_role("button", name="Læg gavekurven i kurven").click()
        expect(page).to_have_url(re.compile(r"/da/basket/$"))

        # Then the cart shows one gift basket × 2 with its contents and one price
        group = page.get_by_test_id("cart-gift-basket")
        expect(group).to_have_count(1)
        expect(group.get_by_role("heading")).to_have_text("Gavekurv 'Min gavekurv' × 2")
        for _vendor, title in PRODUCTS:
            expect(group).to_contain_text(title)
        expect(group).to_contain_text("Flettet gavekurv")
        expect(page.get_by_test_id("cart-gift-basket-total")).to_have_text(re.compile(r"824,00\s*kr\."))
        expect(page.locator("#basket_totals")).to_contain_text("824,00")
    finally:
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(
            path=str(ARTIFACTS / f"giftbasket-cart-{'js' if javascript else 'nojs'}.png"), full_page=True
        )
        context.close()

"""The whole vendor journey in a real browser: apply, approval, first product, vendor page."""

import re

import pytest
from django.contrib.auth import get_user_model
from oscar.core.loading import get_model
from playwright.sync_api import expect

from marketplace.demo import FOOD_CLASS

ProductClass = get_model("catalogue", "ProductClass")
Category = get_model("catalogue", "Category")

PASSWORD = "Journey-pass-2026"


def log_in(page, base: str, email: str, password: str, next_url: str):
    page.goto(f"{base}/da/accounts/login/?next={next_url}")
    page.fill("#id_login-username", email)
    page.fill("#id_login-password", password)
    page.click("button[name=login_submit]")
    page.wait_for_url(re.compile(re.escape(next_url)))


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_apply_get_approved_create_a_product_and_see_it_on_the_vendor_page(
    live_server, browser, page, catalogue_base
):
    base = live_server.url
    get_user_model().objects.create_user(
        username="drift@faelleskurv.example",
        email="drift@faelleskurv.example",
        password=PASSWORD,
        is_staff=True,
    )

    # Apply as a new vendor.
    page.goto(f"{base}/da/vendors/apply/")
    for field, value in {
        "name": "Solsikken Café",
        "legal_name": "Solsikken Café ApS",
        "cvr": "29403317",
        "mission": "Café hvor unge med autisme lærer faget.",
        "street": "Torvet 2",
        "postcode": "5000",
        "city": "Odense C",
        "first_name": "Sara",
        "last_name": "Sol",
        "email": "sara@solsikken.example",
        "password": PASSWORD,
    }.items():
        page.fill(f"#id_{field}", value)
    page.get_by_role("button", name="Send ansøgning").click()
    page.wait_for_url(re.compile("/da/vendors/apply/thanks/"))

    # Staff approve the application in the dashboard (another browser session).
    staff_context = browser.new_context(locale="da-DK")
    staff = staff_context.new_page()
    log_in(staff, base, "drift@faelleskurv.example", PASSWORD, "/da/dashboard/vendors/")
    staff.get_by_role("link", name="Solsikken Café", exact=True).click()
    staff.get_by_role("button", name="Godkend", exact=True).click()
    expect(staff.get_by_role("alert").filter(has_text="Solsikken Café er godkendt")).to_be_visible()
    expect(staff.get_by_test_id("vendor-users")).to_contain_text("sara@solsikken.example")

    # The vendor logs in and creates a food product with allergens.
    food = ProductClass.objects.get(name=FOOD_CLASS)
    log_in(page, base, "sara@solsikken.example", PASSWORD, "/da/dashboard/")
    page.goto(f"{base}/da/dashboard/catalogue/products/create/{food.slug}/")
    page.fill("#id_title", "Havregrynskager fra caféen")
    page.click("a[href='#product_attributes']")
    page.fill("#id_attr_allergens", "Gluten (havre)")
    page.click("a[href='#product_category']")
    bakery = Category.objects.get(name="Bagværk")
    page.select_option("#id_productcategory_set-0-category", value=str(bakery.pk))
    page.click("a[href='#product_stock']")
    expect(page.get_by_test_id("stockrecord-vat-note")).to_be_visible()
    page.fill("#id_stockrecords-0-partner_sku", "SOL-1")
    page.fill("#id_stockrecords-0-num_in_stock", "25")
    page.fill("#id_stockrecords-0-price", "40.00")
    page.click("button[name=action][value=save]")
    page.wait_for_url(re.compile("/da/dashboard/catalogue/"))

    # Staff approve the new product; it then shows on the vendor's page with VAT added.
    staff.goto(f"{base}/da/dashboard/vendors/products/pending/")
    pending = staff.get_by_test_id("pending-product").filter(has_text="Havregrynskager fra caféen")
    pending.get_by_role("button", name="Godkend", exact=True).click()
    expect(staff).to_have_url(re.compile("/da/dashboard/vendors/products/pending/"))
    approved = staff.get_by_role("alert").filter(
        has_text="“Havregrynskager fra caféen” kan nu ses i butikken."
    )
    expect(approved).to_be_visible()
    page.goto(f"{base}/da/vendors/")
    page.get_by_role("link", name="Solsikken Café", exact=True).click()
    product = page.get_by_test_id("vendor-product").filter(has_text="Havregrynskager fra caféen")
    expect(product).to_be_visible()
    expect(product).to_contain_text("50,00")
    expect(page.get_by_test_id("vendor-mission")).to_have_text("Café hvor unge med autisme lærer faget.")
    staff_context.close()

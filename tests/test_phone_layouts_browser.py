"""Municipal and vendor-dashboard pages on a 390 px phone: no page scrolls sideways and no table
cell (totals, amounts, a recipient file's errors) lies off the screen; axe finds nothing critical or
serious on them at 1366 px and 390 px."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from marketplace.demo import DEMO_PASSWORD, MUNICIPAL_EMAIL, vendor_email
from tests.browser_checks import Sweep, sideways_problems

WIDTHS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
VENDOR = "havefolket"


def _login(page, base, email):
    page.context.clear_cookies()
    page.goto(f"{base}/da/accounts/login/")
    page.fill("#id_login-username", email)
    page.fill("#id_login-password", DEMO_PASSWORD)
    page.click("button[name=login_submit]")
    page.wait_for_load_state("load")


def _recipients_file(tmp_path, name, rows):
    path = tmp_path / name
    path.write_bytes("\r\n".join(["Navn;Adresse;Postnr.;By;Hilsen", *rows]).encode("cp1252"))
    return str(path)


@pytest.fixture
def placed_bulk_order(demo_data):
    """A placed bulk order of 25 baskets from the demo municipality: split per vendor and invoiced."""
    from baskets.selectors import published_designs
    from fulfilment.models import VendorOrder
    from procurement import services
    from procurement.demo import APPROVER_EMAIL, ORGANISATION_SLUG
    from procurement.models import Membership, Organisation
    from procurement.services import BulkOrderDraft, RecipientData

    organisation = Organisation.objects.get(slug=ORGANISATION_SLUG)
    organisation.approval_limit = Decimal("1000000.00")
    organisation.save()
    Membership.objects.filter(organisation=organisation, user__email=APPROVER_EMAIL).update(is_admin=True)
    design = published_designs().first()
    draft = BulkOrderDraft(
        recipients=[
            RecipientData(
                name=f"Medarbejder {i}",
                street=f"Rådhusgade {i}",
                postcode="8000",
                city="Aarhus C",
                message="God jul",
                design_id=design.pk,
                quantity=1,
            )
            for i in range(1, 26)
        ],
        requested_delivery_date=timezone.localdate() + timedelta(days=21),
    )
    bulk_order = services.bulk_order_create(
        organisation=organisation,
        user=get_user_model().objects.get(email=MUNICIPAL_EMAIL),
        draft=draft,
        location=organisation.locations.order_by("ean").first(),
        po_number="PO-TELEFON-1",
        person_reference="ANJE",
    )
    bulk_order.refresh_from_db()
    assert bulk_order.order is not None
    vendor_order = VendorOrder.objects.get(order=bulk_order.order, partner__code=VENDOR)
    invoice = bulk_order.invoices.get()
    return bulk_order, vendor_order, invoice


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("width_name", list(WIDTHS))
def test_municipal_and_vendor_pages_fit_a_phone_and_have_no_serious_accessibility_violations(
    browser, live_server, placed_bulk_order, tmp_path, width_name
):
    from procurement.demo import APPROVER_EMAIL, ORGANISATION_SLUG

    bulk_order, vendor_order, invoice = placed_bulk_order
    base = live_server.url
    org = f"{base}/da/kommune/{ORGANISATION_SLUG}"
    context = browser.new_context(locale="da-DK", viewport=WIDTHS[width_name])
    context.set_default_timeout(20_000)
    page = context.new_page()
    sweep = Sweep(page, width_name, prefix="layout")
    delivery = (timezone.localdate() + timedelta(days=28)).isoformat()
    try:
        # The municipal buyer: organisation, a recipient file with an error and a warning, a good
        # file and its quote with the sourcing table and totals, the placed order and its documents.
        _login(page, base, MUNICIPAL_EMAIL)
        page.goto(f"{org}/")
        sweep.check("kommune-organisation")
        page.goto(f"{org}/bestil/")
        sweep.check("kommune-order-start")
        rows = [f"Medarbejder {i};Rådhusgade {i};8000;Aarhus C;God jul" for i in range(12)]
        rows[3] = "Medarbejder Fejl;Rådhusgade 3;80;Aarhus C;God jul"
        rows[5] = "Medarbejder Tjek;Rådhusgade 5;8000;Odense C;God jul"
        page.fill("#id_requested_delivery_date", delivery)
        page.set_input_files("#id_recipients_file", _recipients_file(tmp_path, "fejl.csv", rows))
        page.click("#read-recipients")
        error_cell = page.get_by_test_id("recipient-row-error").get_by_test_id("row-errors")
        expect(error_cell).to_contain_text("Postnummeret skal have 4 cifre.")
        expect(page.get_by_test_id("row-warnings")).to_have_count(1)
        sweep.check("kommune-recipients-errors")

        rows = [f"Medarbejder {i};Rådhusgade {i};8000;Aarhus C;God jul" for i in range(30)]
        page.fill("#id_requested_delivery_date", delivery)
        page.set_input_files("#id_recipients_file", _recipients_file(tmp_path, "modtagere.csv", rows))
        page.click("#read-recipients")
        expect(page.get_by_test_id("recipients-ok")).to_contain_text("30 modtagere læst uden fejl.")
        sweep.check("kommune-recipients-ok")
        page.get_by_role("link", name="Se tilbuddet").click()
        expect(page.get_by_test_id("quote-total")).to_contain_text("kr.")
        _expect_all_visible(page.get_by_test_id("sourcing-row"))
        sweep.check("kommune-quote")
        # Saved as a numbered quote: the document with its meta block, item lines and totals.
        page.click("#save-quotation")
        quotation = page.get_by_test_id("quotation-doc")
        expect(quotation.get_by_test_id("quotation-number")).to_contain_text("T-")
        expect(quotation.get_by_test_id("quotation-total")).to_contain_text("kr.")
        _expect_all_visible(quotation.get_by_test_id("quotation-line"))
        if width_name == "phone":
            total = quotation.get_by_test_id("quotation-total")
            assert _inside_the_screen(page, total), "quote total off the screen"
        sweep.check("kommune-quotation")

        for name, path in (
            ("kommune-order", f"{org}/ordrer/{bulk_order.pk}/"),
            ("kommune-invoice", f"{org}/fakturaer/{invoice.pk}/"),
            ("kommune-delivery-list", f"{org}/ordrer/{bulk_order.pk}/leveringsliste/"),
            ("kommune-impact", f"{org}/effekt/"),
        ):
            page.goto(path)
            sweep.check(name)

        # The organisation's admin: members and EAN numbers.
        _login(page, base, APPROVER_EMAIL)
        for name, path in (("kommune-members", f"{org}/medlemmer/"), ("kommune-ean", f"{org}/ean/")):
            page.goto(path)
            expect(page.get_by_role("main").get_by_role("table")).to_be_visible()
            sweep.check(name)

        # A vendor: dashboard, its products, its vendor orders and the shop orders with its lines.
        _login(page, base, vendor_email(VENDOR))
        for name, path in (
            ("vendor-dashboard", "/da/dashboard/"),
            ("vendor-products", "/da/dashboard/catalogue/"),
            ("vendor-offers", "/da/dashboard/vendors/offers/"),
            ("vendor-orders", "/da/dashboard/vendor-orders/"),
            ("vendor-order", f"/da/dashboard/vendor-orders/{vendor_order.pk}/"),
            ("vendor-shop-orders", "/da/dashboard/orders/"),
            ("vendor-shop-order", f"/da/dashboard/orders/{bulk_order.order.number}/"),
        ):
            page.goto(base + path)
            expect(page.get_by_role("main")).to_be_visible()
            sweep.check(name)
    finally:
        context.close()

    assert len(sweep.checked) == 19
    assert sweep.problems == {}, sweep.report()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_on_a_phone_the_quote_total_and_the_file_errors_are_on_the_screen(
    browser, live_server, placed_bulk_order, tmp_path
):
    """What the buyer must not miss, asserted on its own: the total incl. VAT and each row's error."""
    from procurement.demo import ORGANISATION_SLUG

    context = browser.new_context(locale="da-DK", viewport=WIDTHS["phone"])
    context.set_default_timeout(20_000)
    page = context.new_page()
    org = f"{live_server.url}/da/kommune/{ORGANISATION_SLUG}"
    try:
        _login(page, live_server.url, MUNICIPAL_EMAIL)
        page.goto(f"{org}/bestil/")
        rows = [f"Medarbejder {i};Rådhusgade {i};8000;Aarhus C;God jul" for i in range(25)]
        rows[7] = "Medarbejder Fejl;Rådhusgade 7;80;Aarhus C;God jul"
        page.fill("#id_requested_delivery_date", (timezone.localdate() + timedelta(days=28)).isoformat())
        page.set_input_files("#id_recipients_file", _recipients_file(tmp_path, "fejl.csv", rows))
        page.click("#read-recipients")
        error = page.get_by_test_id("recipient-row-error").get_by_test_id("row-errors")
        expect(error).to_contain_text("Postnummeret skal have 4 cifre.")
        assert _inside_the_screen(page, error), error.bounding_box()
        assert sideways_problems(page) == []

        rows[7] = "Medarbejder 7;Rådhusgade 7;8000;Aarhus C;God jul"
        page.set_input_files("#id_recipients_file", _recipients_file(tmp_path, "modtagere.csv", rows))
        page.fill("#id_requested_delivery_date", (timezone.localdate() + timedelta(days=28)).isoformat())
        page.click("#read-recipients")
        page.get_by_role("link", name="Se tilbuddet").click()
        total = page.get_by_test_id("quote-total")
        expect(total).to_contain_text("kr.")
        assert _inside_the_screen(page, total), total.bounding_box()
        assert sideways_problems(page) == []
    finally:
        context.close()


def _expect_all_visible(locator):
    """At least one element, and none of them hidden."""
    expect(locator).not_to_have_count(0)
    expect(locator.filter(visible=False)).to_have_count(0)


def _inside_the_screen(page, locator):
    box = locator.bounding_box()
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"]

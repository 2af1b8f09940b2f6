"""The municipal journey in a real browser: upload, quote, order by EAN, approval, split, e-invoice."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from fulfilment.models import VendorOrder
from marketplace.demo import DEMO_PASSWORD
from procurement.models import BulkOrder, Invoice

ARTIFACTS = __import__("conftest").ARTIFACTS


def _login(page, base, email, next_url):
    page.context.clear_cookies()
    page.goto(f"{base}/da/accounts/login/?next={next_url}")
    page.fill("#id_login-username", email)
    page.fill("#id_login-password", DEMO_PASSWORD)
    page.click("button[name=login_submit]")


def _recipients_csv(tmp_path, count):
    rows = ["navn;adresse;postnr;by;hilsen"]
    rows += [f"Medarbejder {i};Rådhusgade {i};{8000 + i % 10};Aarhus;God jul" for i in range(count)]
    path = tmp_path / "modtagere.csv"
    path.write_text("\n".join(rows), encoding="utf-8")
    return path


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_buyer_orders_25_baskets_by_ean_approver_approves_and_the_invoice_xml_downloads(
    page, live_server, municipality, tmp_path, ubl_checker
):
    m = municipality
    m.organisation.approval_limit = Decimal("5000.00")
    m.organisation.save()
    base = live_server.url
    slug = m.organisation.slug

    # The buyer uploads 25 recipients and picks a ready-made basket.
    _login(page, base, m.buyer.email, "/da/kommune/")
    page.get_by_role("link", name="Ny mængdeordre").click()
    page.select_option("#id_design", label=m.design.name)
    page.fill("#id_requested_delivery_date", (timezone.localdate() + timedelta(days=14)).isoformat())
    page.set_input_files("#id_recipients_file", str(_recipients_csv(tmp_path, 25)))
    page.click("#read-recipients")
    expect(page.get_by_test_id("recipients-ok")).to_contain_text("25 modtagere læst uden fejl.")
    expect(page.get_by_test_id("recipient-row-ok")).to_have_count(25)
    expect(page.get_by_test_id("recipient-row-error")).to_have_count(0)
    assert not BulkOrder.objects.exists()

    # The quote shows the volume price before anything is ordered.
    page.get_by_role("link", name="Se tilbuddet").click()
    quote = page.get_by_test_id("quote")
    expect(quote.get_by_test_id("volume-price")).to_contain_text("Mængderabat: 3 % fra 20 kurve")
    basket_line = quote.get_by_role("row").filter(has_text=m.design.name)
    expect(basket_line.get_by_test_id("quote-line-quantity")).to_have_text("25")
    page.screenshot(path=str(ARTIFACTS / "procurement-quote.png"), full_page=True)

    # Ordered by EAN, PO number and person reference: above the limit, so it waits.
    page.select_option("#id_location", label=str(m.location))
    page.fill("#id_po_number", "PO-2026-0042")
    page.fill("#id_person_reference", "ANJE")
    page.click("#place-order")
    expect(page.get_by_test_id("order-status")).to_contain_text("Afventer godkendelse")
    bulk_order = BulkOrder.objects.get()
    assert bulk_order.basket_count == 25 and bulk_order.recipients.count() == 25
    assert bulk_order.discount_percent == Decimal("3")

    # The approver approves; the order is placed, split per vendor and invoiced.
    _login(page, base, m.approver.email, f"/da/kommune/{slug}/ordrer/{bulk_order.pk}/")
    page.click("#approve")
    expect(page.get_by_test_id("order-status")).to_contain_text("Bestilt")
    bulk_order.refresh_from_db()
    order = bulk_order.order
    vendors = set(order.lines.values_list("partner_id", flat=True))
    assert len(vendors) > 1
    assert set(VendorOrder.objects.filter(order=order).values_list("partner_id", flat=True)) == vendors
    invoice = Invoice.objects.get(bulk_order=bulk_order)
    assert invoice.total_incl_tax == order.total_incl_tax == bulk_order.total_incl_tax

    # The invoice page shows the document; its XML downloads and passes the rules.
    page.get_by_role("link", name=f"Faktura {invoice.number}", exact=True).click()
    expect(page.get_by_test_id("invoice-doc")).to_contain_text("PO-2026-0042")
    page.screenshot(path=str(ARTIFACTS / "procurement-invoice.png"), full_page=True)
    with page.expect_download() as download_info:
        page.click("#download-xml")
    xml = tmp_path / "faktura.xml"
    download_info.value.save_as(xml)
    assert download_info.value.suggested_filename == f"faktura-{invoice.number}.xml"
    assert ubl_checker.xsd_errors(xml.read_bytes()) == []
    assert ubl_checker.rule_failures(xml.read_bytes(), tmp_path)["fatal"] == [], ubl_checker.source


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_anonymous_visitor_reads_the_municipal_info_page_on_desktop_and_phone(page, live_server, demo_data):
    for width, name in ((1280, "desktop"), (390, "phone")):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server.url}/da/kommune/")
        expect(page.get_by_test_id("kommune-info")).to_contain_text("Sådan får I adgang")
        page.screenshot(path=str(ARTIFACTS / f"procurement-info-{name}.png"), full_page=True)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_buyer_sees_the_error_summary_first_and_filters_to_the_rows_with_errors(
    page, live_server, municipality, tmp_path
):
    m = municipality
    rows = ["Navn;Adresse;Postnr.;By"] + [f"Medarbejder {i};Rådhusgade {i};8000;Aarhus C" for i in range(520)]
    rows[300] = "Medarbejder fejl;Rådhusgade 300;80;Aarhus C"
    path = tmp_path / "modtagere.csv"
    path.write_bytes("\r\n".join(rows).encode("cp1252"))
    _login(page, live_server.url, m.buyer.email, f"/da/kommune/{m.organisation.slug}/bestil/")

    page.set_input_files("#id_recipients_file", str(path))
    page.fill("#id_requested_delivery_date", (timezone.localdate() + timedelta(days=14)).isoformat())
    page.click("#read-recipients")

    summary = page.get_by_test_id("recipient-errors")
    expect(summary).to_contain_text("Række 301: Postnummeret skal have 4 cifre.")
    assert summary.bounding_box()["y"] < 900  # at the top, not under a 500-row table
    page.screenshot(path=str(ARTIFACTS / "procurement-recipient-errors.png"))
    ok_rows = page.get_by_test_id("recipient-row-ok")
    expect(ok_rows).to_have_count(519)
    page.get_by_role("link", name="Vis kun rækker med fejl").click()
    expect(ok_rows.filter(visible=True)).to_have_count(0)
    error_row = page.get_by_test_id("recipient-row-error")
    expect(error_row).to_have_count(1)
    expect(error_row).to_be_visible()
    page.screenshot(path=str(ARTIFACTS / "procurement-recipient-errors-only.png"), full_page=True)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_500_baskets_no_one_enterprise_can_supply_are_quoted_sourced_approved_and_split(
    page, live_server, municipality, tmp_path
):
    """Issue 13 with the demo data alone: 500 × Den grønne madkurv sourced across enterprises."""
    from oscar.core.loading import get_model

    from baskets.models import BasketDesign
    from marketplace.demo import vendor_email

    m = municipality
    base = live_server.url
    slug = m.organisation.slug
    design = BasketDesign.objects.get(name__icontains="grønne madkurv")

    _login(page, base, m.buyer.email, "/da/kommune/")
    page.get_by_role("link", name="Ny mængdeordre").click()
    page.select_option("#id_design", label=design.name)
    page.fill("#id_requested_delivery_date", (timezone.localdate() + timedelta(days=14)).isoformat())
    page.set_input_files("#id_recipients_file", str(_recipients_csv(tmp_path, 500)))
    page.click("#read-recipients")
    expect(page.get_by_test_id("recipients-ok")).to_contain_text("500 modtagere læst uden fejl.")
    page.get_by_role("link", name="Se tilbuddet").click()

    # In two weeks the enterprises together cannot make 500: the quote says how many and when.
    shortfall = page.get_by_test_id("sourcing-shortfall")
    expect(shortfall).to_contain_text("500 kurve")
    expect(page.locator("#order-confirm")).to_have_count(0)
    page.screenshot(path=str(ARTIFACTS / "procurement-sourcing-short.png"), full_page=True)
    page.get_by_test_id("choose-date").click()

    # At the earliest date all 500 are sourced, each item from two or more enterprises.
    expect(page.get_by_test_id("sourcing-shortfall")).to_have_count(0)
    sourcing = page.get_by_test_id("sourcing")
    expect(sourcing).to_contain_text("Hvem leverer din ordre")
    expect(sourcing).to_contain_text("Ristet Ro Kafferisteri")
    expect(sourcing).to_contain_text("Havefolket")
    page.screenshot(path=str(ARTIFACTS / "procurement-sourcing-quote.png"), full_page=True)
    page.set_viewport_size({"width": 375, "height": 800})
    page.screenshot(path=str(ARTIFACTS / "procurement-sourcing-quote-phone.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    page.select_option("#id_location", label=str(m.location))
    page.fill("#id_po_number", "PO-500-FAELLES")
    page.fill("#id_person_reference", "JUL")
    page.click("#place-order")
    expect(page.get_by_test_id("order-status")).to_contain_text("Afventer godkendelse")
    bulk_order = BulkOrder.objects.get()

    _login(page, base, m.approver.email, f"/da/kommune/{slug}/ordrer/{bulk_order.pk}/")
    page.click("#approve")
    expect(page.get_by_test_id("order-status")).to_contain_text("Bestilt")
    bulk_order.refresh_from_db()
    order = bulk_order.order
    Line = get_model("order", "Line")
    coffee = Line.objects.filter(order=order, product__title__icontains="Filterkaffe")
    assert coffee.values("partner_id").distinct().count() >= 2
    assert sum(coffee.values_list("quantity", flat=True)) == 500

    # Two enterprises each see their own share of the coffee on their pick list.
    for code in ("ristet-ro", "verdensbutikken"):
        vendor_order = VendorOrder.objects.get(order=order, partner__code=code)
        units = sum(coffee.filter(partner__code=code).values_list("quantity", flat=True))
        _login(page, base, vendor_email(code), f"/da/dashboard/vendor-orders/{vendor_order.pk}/pick-list/")
        coffee_row = page.get_by_test_id("pick-list").get_by_role("row").filter(has_text="Filterkaffe")
        expect(coffee_row.get_by_test_id("pick-list-quantity")).to_have_text(str(units))
        page.screenshot(path=str(ARTIFACTS / f"procurement-sourcing-picklist-{code}.png"), full_page=True)

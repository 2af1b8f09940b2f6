"""The capacity page on a phone: a vendor types a bad number, reads the error, then saves."""

import datetime

import pytest
from django.conf import settings
from playwright.sync_api import expect

from marketplace.demo import DEMO_PASSWORD, vendor_email
from supply.models import CapacityReservation, OfferCapacity, week_start

PHONE = {"width": 375, "height": 740}
ARTIFACTS = settings.BASE_DIR / "test-artifacts"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_vendor_edits_capacity_on_a_phone(live_server, browser, demo_data):
    shots = ARTIFACTS
    shots.mkdir(exist_ok=True)
    from oscar.core.loading import get_model

    stockrecords = get_model("partner", "StockRecord").objects
    record = stockrecords.get(partner__code="havefolket", partner_sku="HF-MARM-01")
    next_week = week_start(datetime.date.today()) + datetime.timedelta(weeks=1)
    CapacityReservation.objects.create(
        stockrecord=record,
        week=next_week,
        units=45,
        reference="bulk-order:demo",
    )
    context = browser.new_context(locale="da-DK", viewport=PHONE, is_mobile=True, has_touch=True)
    context.set_default_timeout(20_000)
    page = context.new_page()
    base = live_server.url
    page.goto(f"{base}/da/accounts/login/?next=/da/dashboard/vendors/offers/")
    page.fill("#id_login-username", vendor_email("havefolket"))
    page.fill("#id_login-password", DEMO_PASSWORD)
    page.click("button[name=login_submit]")
    page.wait_for_url("**/dashboard/vendors/offers/")

    offer = page.locator(f'[data-testid=offer-row][data-offer-id="{record.pk}"]')
    offer.get_by_role("link", name="Kapacitet og lovede uger").click()
    page.fill("#id_units_per_week", "12,5")
    page.fill("#id_lead_time_days", "-3")
    form = page.get_by_test_id("capacity-form")
    form.get_by_role("button", name="Gem kapacitet").click()

    expect(form).to_contain_text("er ikke et helt tal")
    expect(form).to_contain_text("større end eller lig 0")
    assert OfferCapacity.objects.get(stockrecord=record).units_per_week == 60  # as seeded: nothing saved
    # nothing sticks out sideways at phone width
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=str(shots / "capacity-phone-error.png"), full_page=True)

    page.fill("#id_units_per_week", "1.000")
    page.fill("#id_lead_time_days", "14")
    form.get_by_role("button", name="Gem kapacitet").click()

    expect(page.get_by_role("alert").filter(has_text="Kapaciteten for")).to_contain_text("er gemt")
    week = page.locator(f'[data-testid=capacity-week][data-week="{next_week.isoformat()}"]')
    expect(week.get_by_test_id("promised")).to_have_text("45")
    expect(week.get_by_test_id("free")).to_have_text("955")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=str(shots / "capacity-phone-saved.png"), full_page=True)
    context.close()

"""Delivery manifest, impact report and the anonymisation of recipients after delivery."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django.utils.html import escape

from procurement import services
from procurement.models import Recipient
from procurement.selectors import impact_report
from procurement.tests.conftest import draft_for
from vendors.models import VendorProfile

pytestmark = pytest.mark.django_db


@pytest.fixture
def municipality(municipal_buyers):
    """Factory data (procurement/tests/conftest.py: municipal_buyers), not the demo seed."""
    return municipal_buyers


@pytest.fixture
def placed(municipality, django_capture_on_commit_callbacks):
    m = municipality
    m.organisation.approval_limit = Decimal("1000000")
    m.organisation.save()
    with django_capture_on_commit_callbacks(execute=True):
        return services.bulk_order_create(
            organisation=m.organisation,
            user=m.buyer,
            draft=draft_for(design=m.design, count=4),
            location=m.location,
            po_number="PO-9",
            person_reference="REF",
        )


def test_manifest_lists_every_recipient_with_basket_message_and_status_as_page_and_csv(
    client, municipality, placed
):
    client.force_login(municipality.buyer)
    url = f"/da/kommune/{municipality.organisation.slug}/ordrer/{placed.pk}/leveringsliste/"

    html = client.get(url).content.decode()
    rows = list(
        csv.reader(io.StringIO(client.get(url + "?format=csv").content.decode("utf-8-sig")), delimiter=";")
    )

    assert "Modtager 3" in html and "Testvej 3, 8000 Aarhus C" in html and "Tak for i år" in html
    assert rows[0][:2] == ["Nr.", "Navn"] and rows[0][9:] == ["Att.", "Telefon", "E-mail"]
    assert [r[1] for r in rows[1:]] == ["Modtager 1", "Modtager 2", "Modtager 3", "Modtager 4"]
    assert {r[5] for r in rows[1:]} == {municipality.design.name}
    assert {r[8] for r in rows[1:]} == {"Venter"}


def test_impact_report_sums_spend_per_enterprise_and_rsov_share(municipality, placed):
    report = impact_report(organisation=municipality.organisation)

    lines = placed.order.lines.select_related("partner__vendor_profile")
    expected_total = sum(line.line_price_excl_tax for line in lines)
    rsov_total = sum(line.line_price_excl_tax for line in lines if line.partner.vendor_profile.is_rsov)
    assert report.year == timezone.localdate().year
    assert report.total_excl_tax == expected_total == placed.total_excl_tax
    assert report.enterprise_count == len({line.partner_id for line in lines})
    assert report.rsov_share_percent == (rsov_total * 100 / expected_total).quantize(Decimal("0.1"))
    assert sum(row.share for row in report.rows) == pytest.approx(Decimal("100"), abs=Decimal("0.5"))


def test_impact_page_shows_chart_and_csv_and_staff_see_all_organisations(
    client, municipality, placed, admin_user
):
    client.force_login(municipality.buyer)
    slug = municipality.organisation.slug

    html = client.get(f"/da/kommune/{slug}/effekt/").content.decode()
    csv_text = client.get(f"/da/kommune/{slug}/effekt/?format=csv").content.decode("utf-8-sig")

    hub = VendorProfile.objects.get(is_hub=True).partner.name
    names = [row.name for row in impact_report(organisation=municipality.organisation).rows]
    assert hub in names
    assert 'class="bar' in html and "RSØV" in html and all(escape(name) in html for name in names)
    assert all(name in csv_text for name in names)
    assert f";Total;;{placed.total_excl_tax};100" in csv_text
    assert client.get("/da/kommune/effekt/").status_code == 302
    client.force_login(admin_user)
    staff_html = client.get("/da/kommune/effekt/").content.decode()
    assert municipality.organisation.name in staff_html


def test_cancelled_orders_leave_the_impact_report(municipality, placed):
    services.bulk_order_cancel(bulk_order=placed, user=municipality.approver)

    assert impact_report(organisation=municipality.organisation).total_excl_tax == 0


def test_recipients_are_anonymised_the_configured_days_after_delivery(settings, placed):
    settings.PROCUREMENT_ANONYMISE_AFTER_DAYS = 30
    services.bulk_order_mark_delivered(bulk_order=placed)
    delivered = placed.recipients.first().delivered_at

    assert services.recipients_anonymise(now=delivered + timedelta(days=29)) == 0
    assert services.recipients_anonymise(now=delivered + timedelta(days=30, seconds=1)) == 4
    assert services.recipients_anonymise(now=delivered + timedelta(days=31)) == 0

    names = set(Recipient.objects.values_list("name", "street", "city", "message"))
    assert names == {("Anonymiseret", "", "", "")}
    placed.refresh_from_db()
    assert placed.anonymised_at is not None
    assert placed.invoices.get().xml  # the invoice (the organisation's data) is kept


def test_undelivered_recipients_are_kept(placed):
    assert services.recipients_anonymise(now=timezone.now() + timedelta(days=400)) == 0
    assert Recipient.objects.filter(name="Modtager 1").exists()


def test_manifest_csv_does_not_hand_formulas_to_spreadsheets(client, municipality, placed):
    placed.recipients.filter(position=1).update(name='=HYPERLINK("http://x")')
    client.force_login(municipality.buyer)
    url = f"/da/kommune/{municipality.organisation.slug}/ordrer/{placed.pk}/leveringsliste/?format=csv"

    rows = list(csv.reader(io.StringIO(client.get(url).content.decode("utf-8-sig")), delimiter=";"))

    assert rows[1][1] == '\'=HYPERLINK("http://x")'


def test_manifest_csv_neutralises_a_leading_tab_and_a_formula_basket_name(client, municipality, placed):
    """The old writer missed the tab; the design name comes from a vendor-facing form."""
    placed.recipients.filter(position=2).update(street="\tTestvej 2", message="+45 1234")
    type(municipality.design).objects.filter(pk=municipality.design.pk).update(name="=1+1 Julekurv")
    client.force_login(municipality.buyer)
    url = f"/da/kommune/{municipality.organisation.slug}/ordrer/{placed.pk}/leveringsliste/?format=csv"

    rows = list(csv.reader(io.StringIO(client.get(url).content.decode("utf-8-sig")), delimiter=";"))

    second = next(r for r in rows if r[0] == "2")
    assert second[2] == "'\tTestvej 2" and second[7] == "'+45 1234"
    assert second[5] == "'=1+1 Julekurv"
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows for cell in row)


def test_impact_report_csv_neutralises_a_vendor_name_that_looks_like_a_formula(client, municipality, placed):
    from oscar.core.loading import get_model

    partner = get_model("partner", "Partner").objects.filter(stockrecords__isnull=False).first()
    partner.name = "-2+3 Værksted"
    partner.save()
    client.force_login(municipality.buyer)

    url = f"/da/kommune/{municipality.organisation.slug}/effekt/?format=csv"
    text = client.get(url).content.decode("utf-8-sig")

    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows for cell in row)


def test_the_hubs_assembly_plan_for_a_bulk_order_points_plainly_to_the_delivery_list(client, placed, shop):
    from django.core import mail
    from django.urls import reverse

    hub = shop.vendor_user("verdensbutikken")
    client.force_login(hub)
    manifest = reverse("procurement:order-manifest", args=[placed.organisation.slug, placed.pk])

    page = client.get(reverse("fulfilment:assembly-plan", args=[placed.order.number])).content.decode()

    assert "Mængdeordre fra Eksempel Kommune: 4 modtagere, hver med sin egen adresse." in page
    assert f'href="{manifest}"' in page
    plan_mail = next(m for m in mail.outbox if m.to == [hub.email] and "Leveringsliste" in m.body)
    link_line = next(line for line in plan_mail.body.splitlines() if line.startswith("Leveringsliste: "))
    assert link_line.startswith("Leveringsliste: http") and link_line.endswith(manifest)
    assert "4 modtagere, hver med sin egen adresse" in plan_mail.body
    assert client.get(manifest).status_code == 200

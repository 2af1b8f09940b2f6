"""Saved quotes (T-YYYY-NNNNN): numbered without gaps, lines that add up to the øre, valid until a date,
ordered at exactly their amounts, seen only by their organisation, printable and as PDF."""

import re
import subprocess
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from oscar.core.loading import get_model

from procurement import services
from procurement.models import BulkOrder, Membership, Organisation, OrganisationLocation, Quotation
from procurement.pdf import quotation_pdf
from procurement.tests.conftest import draft_for
from procurement.views import DRAFT_KEY

ARTIFACTS = __import__("conftest").ARTIFACTS
StockRecord = get_model("partner", "StockRecord")

pytestmark = pytest.mark.django_db


@pytest.fixture
def municipality(municipal_buyers):
    """Factory data (procurement/tests/conftest.py: municipal_buyers), not the demo seed."""
    return municipal_buyers


def _kr(amount: Decimal, space: str = " ") -> str:
    """Danish format as the pages print it: 8.568,00 kr. (a no-break space before kr. in HTML)."""
    whole, cents = f"{amount:.2f}".split(".")
    return f"{int(whole):,}".replace(",", ".") + "," + cents + space + "kr."


@pytest.fixture
def quotation(municipality):
    m = municipality
    return services.quotation_create(
        organisation=m.organisation,
        user=m.buyer,
        draft=draft_for(design=m.design, count=30, days_ahead=28),
        location=m.location,
    )


def _order_form(m, **extra):
    return {
        "location": m.location.pk,
        "po_number": "PO-TILBUD-1",
        "person_reference": "ANJE",
        **extra,
    }


def test_two_quotes_get_consecutive_numbers_of_this_year(municipality):
    m = municipality
    year = timezone.localdate().year
    first = services.quotation_create(
        organisation=m.organisation, user=m.buyer, draft=draft_for(design=m.design, count=3, days_ahead=28)
    )
    second = services.quotation_create(
        organisation=m.organisation, user=m.buyer, draft=draft_for(design=m.design, count=4, days_ahead=28)
    )

    assert re.fullmatch(rf"T-{year}-\d{{5}}", first.number)
    assert int(second.number.rsplit("-", 1)[1]) == int(first.number.rsplit("-", 1)[1]) + 1
    assert Quotation.objects.filter(number=first.number).count() == 1


def test_a_quote_that_cannot_be_saved_uses_no_number(municipality):
    """The counter is locked in the quote's transaction: a refused quote gives its number back."""
    m = municipality
    first = services.quotation_create(
        organisation=m.organisation, user=m.buyer, draft=draft_for(design=m.design, count=2, days_ahead=28)
    )
    with pytest.raises(services.ProcurementError):
        services.quotation_create(  # too early: refused before or after the number, never a gap
            organisation=m.organisation, user=m.buyer, draft=draft_for(design=m.design, count=2, days_ahead=1)
        )
    second = services.quotation_create(
        organisation=m.organisation, user=m.buyer, draft=draft_for(design=m.design, count=2, days_ahead=28)
    )
    assert int(second.number[-5:]) == int(first.number[-5:]) + 1


def test_saved_lines_add_up_to_the_totals_to_the_ore(quotation):
    lines = list(quotation.lines.all())

    assert quotation.discount_percent > 0, "30 baskets should be in a volume tier"
    assert lines and all(line.suppliers for line in lines)
    for line in lines:
        assert line.unit_list_price_excl_tax - line.unit_discount_excl_tax == line.unit_price_excl_tax
        assert line.unit_price_excl_tax * line.quantity == line.line_total_excl_tax
        assert sum(s["units"] for s in line.suppliers) == line.quantity
    assert sum(line.line_total_excl_tax for line in lines) == quotation.total_excl_tax
    assert quotation.list_price_excl_tax - quotation.discount_excl_tax == quotation.total_excl_tax
    assert quotation.total_tax == (quotation.total_excl_tax * Decimal("0.25")).quantize(Decimal("0.01"))
    assert quotation.total_excl_tax + quotation.total_tax == quotation.total_incl_tax
    baskets = sum(Decimal(b["unit_net_excl_tax"]) * b["quantity"] for b in quotation.baskets)
    assert baskets == quotation.total_excl_tax
    assert quotation.valid_until == timezone.localdate() + timedelta(days=30)


def test_placing_from_the_quote_links_it_and_carries_its_amounts(
    client, municipality, quotation, django_capture_on_commit_callbacks
):
    m = municipality
    m.organisation.approval_limit = Decimal("100000000")
    m.organisation.save()
    client.force_login(m.buyer)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/da/kommune/{m.organisation.slug}/tilbud/{quotation.pk}/", _order_form(m))

    bulk_order = BulkOrder.objects.get(quotation=quotation)
    assert response.status_code == 302
    assert response.url == f"/da/kommune/{m.organisation.slug}/ordrer/{bulk_order.pk}/"
    assert bulk_order.status == BulkOrder.Status.PLACED
    assert (bulk_order.total_excl_tax, bulk_order.total_tax, bulk_order.total_incl_tax) == (
        quotation.total_excl_tax,
        quotation.total_tax,
        quotation.total_incl_tax,
    )
    assert bulk_order.order.total_incl_tax == quotation.total_incl_tax
    assert bulk_order.invoices.get().total_incl_tax == quotation.total_incl_tax
    assert bulk_order.recipients.count() == 30
    quotation.refresh_from_db()
    assert quotation.draft == {}, "the order's recipients take over; the quote keeps no addresses"

    again = client.post(f"/da/kommune/{m.organisation.slug}/tilbud/{quotation.pk}/", _order_form(m))
    assert "Tilbuddet er bestilt som ordre" in again.content.decode()
    assert BulkOrder.objects.filter(quotation=quotation).count() == 1


def test_an_expired_quote_is_refused_in_danish_and_a_fresh_quote_offered(client, municipality, quotation):
    m = municipality
    Quotation.objects.filter(pk=quotation.pk).update(valid_until=timezone.localdate() - timedelta(days=1))
    client.force_login(m.buyer)
    url = f"/da/kommune/{m.organisation.slug}/tilbud/{quotation.pk}/"

    page = client.get(url).content.decode()
    assert f"Tilbud {quotation.number} var gyldigt til" in page
    assert 'id="place-order"' not in page
    assert 'data-testid="requote"' in page

    with pytest.raises(services.QuotationExpired, match="kan ikke længere bestilles"):
        from django.utils import translation

        with translation.override("da"):
            services.bulk_order_create_from_quotation(
                quotation=quotation, user=m.buyer, location=m.location, po_number="X", person_reference="Y"
            )
    refused = client.post(url, _order_form(m)).content.decode()
    assert "kan ikke længere bestilles" in refused
    assert not BulkOrder.objects.filter(quotation=quotation).exists()

    fresh = client.post(f"{url}nyt/")
    new = Quotation.objects.exclude(pk=quotation.pk).get()
    assert fresh.url == f"/da/kommune/{m.organisation.slug}/tilbud/{new.pk}/"
    assert new.valid_until == timezone.localdate() + timedelta(days=30)
    assert new.total_incl_tax == quotation.total_incl_tax
    assert int(new.number[-5:]) == int(quotation.number[-5:]) + 1


def test_a_price_change_since_the_quote_is_said_and_nothing_is_charged(client, municipality, quotation):
    m = municipality
    product = quotation.lines.first().product
    StockRecord.objects.filter(product=product).update(price=Decimal("999.00"))
    client.force_login(m.buyer)

    page = client.post(f"/da/kommune/{m.organisation.slug}/tilbud/{quotation.pk}/", _order_form(m))

    text = page.content.decode()
    assert f"Priserne er ændret siden tilbud {quotation.number}" in text
    assert 'data-testid="requote"' in text
    assert not BulkOrder.objects.exists()


def test_another_organisations_quote_is_404(client, municipality, quotation):
    m = municipality
    org_b = Organisation.objects.create(
        name="Andenby Kommune",
        slug="andenby",
        cvr="40000003",
        street="Torvet 2",
        postcode="7100",
        city="Vejle",
    )
    OrganisationLocation.objects.create(organisation=org_b, ean="5798009999023", unit_name="Skoler")
    member_b = get_user_model().objects.create_user(username="b", email="b@andenby.example", password="x")
    Membership.objects.create(organisation=org_b, user=member_b, role=Membership.Role.APPROVER)
    client.force_login(member_b)

    for url in (
        f"/da/kommune/{m.organisation.slug}/tilbud/{quotation.pk}/",
        f"/da/kommune/{m.organisation.slug}/tilbud/{quotation.pk}/pdf/",
        f"/da/kommune/andenby/tilbud/{quotation.pk}/",
        f"/da/kommune/andenby/tilbud/{quotation.pk}/pdf/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/da/kommune/andenby/tilbud/{quotation.pk}/nyt/").status_code == 404
    assert client.post(f"/da/kommune/andenby/tilbud/{quotation.pk}/", _order_form(m)).status_code == 404
    assert not BulkOrder.objects.filter(quotation=quotation).exists()


def test_the_quote_page_shows_seller_buyer_dates_lines_and_totals(client, municipality, quotation, settings):
    m = municipality
    client.force_login(m.buyer)

    page = client.get(f"/da/kommune/{m.organisation.slug}/tilbud/{quotation.pk}/").content.decode()

    seller = settings.MARKETPLACE_SELLER
    for text in (
        quotation.number,
        seller["name"],
        f"CVR {seller['cvr']}",
        seller["street"],
        m.organisation.name,
        m.location.ean,
        quotation.valid_until.strftime("%d.%m.%Y"),
        quotation.created_at.strftime("%d.%m.%Y"),
        "Gyldigt til",
        _kr(quotation.total_excl_tax, "\xa0"),
        _kr(quotation.total_tax, "\xa0"),
        _kr(quotation.total_incl_tax, "\xa0"),
    ):
        assert text in page, text
    assert page.count('data-testid="quotation-line"') == quotation.lines.count()
    line_totals = re.findall(r'class="amount line-total">([^<]+)<', page)
    summed = sum(Decimal(t.replace("\xa0kr.", "").replace(".", "").replace(",", ".")) for t in line_totals)
    assert summed == quotation.total_excl_tax
    assert 'class="table table-sm table-borderless' not in page


def test_saving_the_quote_on_screen_makes_a_numbered_quote(client, municipality):
    m = municipality
    draft = draft_for(design=m.design, count=12, days_ahead=28)
    client.force_login(m.buyer)
    session = client.session
    session[DRAFT_KEY.format(m.organisation.pk)] = draft.as_session()
    session.save()
    preview = client.get(f"/da/kommune/{m.organisation.slug}/bestil/tilbud/").content.decode()
    assert 'id="save-quotation"' in preview

    response = client.post(
        f"/da/kommune/{m.organisation.slug}/bestil/tilbud/gem/", {"location": m.location.pk}, follow=True
    )

    quotation = Quotation.objects.get()
    assert quotation.location == m.location and quotation.basket_count == 12
    assert f"Tilbud {quotation.number} er gemt" in response.content.decode()
    assert response.redirect_chain[-1][0] == f"/da/kommune/{m.organisation.slug}/tilbud/{quotation.pk}/"
    listed = client.get(f"/da/kommune/{m.organisation.slug}/").content.decode()
    assert f'tilbud/{quotation.pk}/">{quotation.number}</a>' in listed and "Åbent" in listed


def test_quote_pdf_shows_the_totals_and_danish_letters(client, municipality, quotation, tmp_path):
    m = municipality
    m.organisation.name = "Ærø Kommune – Børn & Unge"
    m.organisation.save()
    quotation.refresh_from_db()
    client.force_login(m.buyer)
    response = client.get(f"/da/kommune/{m.organisation.slug}/tilbud/{quotation.pk}/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert f"tilbud-{quotation.number}.pdf" in response["Content-Disposition"]

    pdf = tmp_path / "tilbud.pdf"
    pdf.write_bytes(quotation_pdf(quotation=quotation, language="da"))
    ARTIFACTS.mkdir(exist_ok=True)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "80",
            "-singlefile",
            str(pdf),
            str(ARTIFACTS / "procurement-quotation-pdf"),
        ],
        check=True,
    )
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout

    flat = " ".join(text.split())
    for amount in (quotation.total_excl_tax, quotation.total_tax, quotation.total_incl_tax):
        assert _kr(amount) in flat, (amount, text)
    assert "Ærø Kommune – Børn & Unge" in flat
    assert quotation.number in flat and "Gyldigt til" in flat and "CVR 13585628" in flat
    assert (ARTIFACTS / "procurement-quotation-pdf.png").stat().st_size > 10_000


def test_a_quote_never_ordered_forgets_its_recipients_30_days_after_it_expired(quotation):
    expired = quotation.valid_until + timedelta(days=1)
    now = timezone.make_aware(timezone.datetime.combine(expired, timezone.datetime.min.time()))

    services.recipients_anonymise(now=now + timedelta(days=29))
    quotation.refresh_from_db()
    assert len(quotation.draft["recipients"]) == 30

    services.recipients_anonymise(now=now + timedelta(days=31))
    quotation.refresh_from_db()
    assert quotation.draft == {}
    assert quotation.lines.count() > 0 and quotation.recipient_count == 30


@pytest.mark.django_db(transaction=True)
def test_two_quotes_saved_at_the_same_moment_get_consecutive_unique_numbers(municipality, monkeypatch):
    import threading
    import time

    from django.db import connection

    from procurement.models import InvoiceCounter, QuotationLine

    m = municipality
    year = timezone.localdate().year
    # The series exists already (as after the year's first quote), so only the row lock orders the two.
    InvoiceCounter.objects.create(series=f"quote-{year}", last_number=0)
    bulk_create = QuotationLine.objects.bulk_create

    def slow_bulk_create(*args, **kwargs):
        time.sleep(0.5)  # hold the counter's row lock while the other quote waits for it
        return bulk_create(*args, **kwargs)

    monkeypatch.setattr(QuotationLine.objects, "bulk_create", slow_bulk_create)
    errors = []

    def save(count):
        try:
            services.quotation_create(
                organisation=m.organisation,
                user=m.buyer,
                draft=draft_for(design=m.design, count=count, days_ahead=28),
            )
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=(n,)) for n in (2, 3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    numbers = sorted(Quotation.objects.values_list("number", flat=True))
    assert numbers == [f"T-{year}-00001", f"T-{year}-00002"]

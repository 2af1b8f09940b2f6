"""The volume discount reads the same on quote, order and invoice, to the øre; the quote names the seller."""

import re
from decimal import Decimal

import pytest
from django.conf import settings

from procurement import services
from procurement.models import BulkOrder
from procurement.selectors import bulk_quote
from procurement.tests.conftest import draft_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def municipality(municipal_buyers):
    """Factory data (procurement/tests/conftest.py: municipal_buyers), not the demo seed."""
    return municipal_buyers


def _amounts(html: str, css_class: str) -> list[Decimal]:
    """The kr. amounts in the 6th column of the table with this class, as Decimals."""
    table = re.split(rf'<table class="[^"]*\b{css_class}\b[^"]*"', html)[1].split("</tbody>")[0]
    amounts = []
    for row in re.findall(r"<tr>(.*?)</tr>", table, re.S):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        if len(cells) == 6:
            text = re.sub(r"[^\d,]", "", cells[5]).replace(",", ".")
            amounts.append(Decimal(text))
    return amounts


def _kr(value: Decimal) -> str:
    return f"{value:,.2f}".replace(",", "X").replace(".", ",").replace("X", ".")


def test_discount_adds_up_to_the_ore_on_quote_order_and_invoice(
    client, municipality, django_capture_on_commit_callbacks
):
    m = municipality
    draft = draft_for(design=m.design, count=30)
    quote = bulk_quote(design_counts=draft.design_counts)
    assert quote.discount_percent > 0
    assert quote.gross_excl_tax - quote.discount_excl_tax == quote.total_excl_tax

    client.force_login(m.buyer)
    session = client.session
    from procurement.views import DRAFT_KEY

    session[DRAFT_KEY.format(m.organisation.pk)] = draft.as_session()
    session.save()
    quote_page = client.get(f"/da/kommune/{m.organisation.slug}/bestil/tilbud/").content.decode()

    m.organisation.approval_limit = Decimal("100000000")
    m.organisation.save()
    with django_capture_on_commit_callbacks(execute=True):
        order = services.bulk_order_create(
            organisation=m.organisation,
            user=m.buyer,
            draft=draft,
            location=m.location,
            po_number="PO-RABAT",
            person_reference="GH",
        )
    order = BulkOrder.objects.get(pk=order.pk)
    order_page = client.get(f"/da/kommune/{m.organisation.slug}/ordrer/{order.pk}/").content.decode()
    invoice = services.invoice_issue(bulk_order_id=order.pk) or order.invoices.get()
    invoice_page = client.get(f"/da/kommune/{m.organisation.slug}/fakturaer/{invoice.pk}/").content.decode()

    # The line amounts sum to the total excl. VAT: no discount row is subtracted a second time.
    assert sum(_amounts(quote_page, "quote-lines")) == quote.total_excl_tax
    assert sum(_amounts(order_page, "order-lines")) == order.total_excl_tax == quote.total_excl_tax
    assert order.list_price_excl_tax - order.discount_excl_tax == order.total_excl_tax
    assert order.discount_excl_tax == quote.discount_excl_tax
    assert 'class="volume-price"><td' not in quote_page
    note = (
        f"listepris {_kr(quote.gross_excl_tax)}\xa0kr. − rabat {_kr(quote.discount_excl_tax)}\xa0kr. "
        f"= {_kr(quote.total_excl_tax)}\xa0kr. ekskl. moms"
    )
    for page in (quote_page, order_page, invoice_page):
        text = page.replace("&nbsp;", "\xa0")
        assert note in text or note.replace("\xa0", " ") in text, page[page.find("volume-discount") :][:400]
    assert invoice.total_excl_tax == order.total_excl_tax


def test_quote_names_the_seller_with_its_cvr(client, municipality):
    m = municipality
    client.force_login(m.buyer)
    session = client.session
    from procurement.views import DRAFT_KEY

    session[DRAFT_KEY.format(m.organisation.pk)] = draft_for(design=m.design, count=2).as_session()
    session.save()

    page = client.get(f"/da/kommune/{m.organisation.slug}/bestil/tilbud/").content.decode()

    seller = settings.MARKETPLACE_SELLER
    assert seller["name"] in page
    assert f'<span class="seller-cvr">CVR {seller["cvr"]}</span>' in page

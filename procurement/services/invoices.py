"""Invoices and credit notes: numbering, the UBL document, issuing, e-mailing, transmitting, payment.

Documents are issued once (repeat-safe) and never exceed what was ordered.
"""

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from fulfilment.services import order_payouts_request, order_status_change
from marketplace.order_status import OrderStatus
from marketplace.tasks_enqueue import enqueue_on_commit

from .. import ubl
from ..models import FULL_CREDIT_KEY, BulkOrder, Invoice, InvoiceCounter
from ..notifications import amount_kr
from .errors import ProcurementError

INVOICE_SERIES = "invoice"


def invoice_number_next(*, series: str = INVOICE_SERIES) -> int:
    """The next number of the series. Call inside the transaction that saves the document:

    the counter row stays locked until commit, and a rollback gives the number back.
    """
    InvoiceCounter.objects.get_or_create(series=series)
    counter = InvoiceCounter.objects.select_for_update().get(series=series)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


def _seller_party() -> ubl.Party:
    seller = settings.MARKETPLACE_SELLER
    return ubl.Party(
        name=seller["name"],
        cvr=seller["cvr"],
        street=seller["street"],
        postcode=seller["postcode"],
        city=seller["city"],
        endpoint_id=seller["cvr"],
        endpoint_scheme=ubl.SCHEME_DK_CVR,
        vat_number=f"DK{seller['cvr']}",
    )


def _buyer_party(bulk_order: BulkOrder) -> ubl.Party:
    organisation = bulk_order.organisation
    return ubl.Party(
        name=organisation.name,
        cvr=organisation.cvr,
        street=organisation.street,
        postcode=organisation.postcode,
        city=organisation.city,
        endpoint_id=bulk_order.location.ean,
        endpoint_scheme=ubl.SCHEME_GLN,
        contact_name=bulk_order.person_reference,
        contact_email=organisation.invoice_email,
    )


def _actual_delivery_date(*, bulk_order: BulkOrder, issue_date: date) -> date | None:
    """The date the baskets were delivered; never a future date the invoice cannot vouch for.

    The invoice is issued when the order is placed, so the requested date is usually still ahead:
    then the document states no ActualDeliveryDate (BT-72 is optional) rather than a wrong one.
    """
    if bulk_order.delivered_at is not None:
        return timezone.localdate(bulk_order.delivered_at)
    if bulk_order.requested_delivery_date <= issue_date:
        return bulk_order.requested_delivery_date
    return None


def ubl_document_for(
    *, bulk_order: BulkOrder, number: int, issue_date: date, credited: Invoice | None = None
):
    lines = [
        ubl.UblLine(
            item_name=line.title,
            quantity=line.quantity,
            net_price=line.unit_net_excl_tax,
            gross_price=line.unit_price_excl_tax,
            seller_item_id=f"GB-{line.design_id}",
        )
        for line in bulk_order.lines.all()
    ]
    note = _("Unit %(unit)s (EAN %(ean)s). %(count)d gift baskets, delivery %(date)s.") % {
        "unit": bulk_order.location.unit_name,
        "ean": bulk_order.location.ean,
        "count": bulk_order.basket_count,
        "date": bulk_order.requested_delivery_date.strftime("%d.%m.%Y"),
    }
    if bulk_order.discount_percent:
        note += " " + _("Volume discount %(percent)s %% included in the prices.") % {
            "percent": f"{bulk_order.discount_percent.normalize():f}"
        }
    return ubl.UblDocument(
        is_credit_note=credited is not None,
        number=str(number),
        issue_date=issue_date,
        due_date=None if credited else issue_date + timedelta(days=settings.PROCUREMENT_PAYMENT_DAYS),
        seller=_seller_party(),
        buyer=_buyer_party(bulk_order),
        buyer_reference=bulk_order.person_reference,
        order_reference=bulk_order.po_number,
        accounting_cost=bulk_order.accounting_cost,
        delivery_date=_actual_delivery_date(bulk_order=bulk_order, issue_date=issue_date),
        lines=lines,
        iban=settings.MARKETPLACE_SELLER["iban"],
        bic=settings.MARKETPLACE_SELLER["bic"],
        vat_rate=settings.VAT_RATE,
        note=note,
        payment_terms=_("Net %(days)d days") % {"days": settings.PROCUREMENT_PAYMENT_DAYS},
        billing_reference=(str(credited.number), credited.issue_date) if credited else None,
    )


@transaction.atomic
def invoice_issue(*, bulk_order_id: int) -> Invoice | None:
    """Issue the placed order's invoice once; a second call returns the same invoice."""
    bulk_order = (
        BulkOrder.objects.select_for_update().select_related("organisation", "location").get(pk=bulk_order_id)
    )
    existing = bulk_order.invoices.filter(kind=Invoice.Kind.INVOICE).first()
    if existing is not None or bulk_order.order_id is None:
        return existing
    if bulk_order.status not in (BulkOrder.Status.PLACED, BulkOrder.Status.DELIVERED):
        return None
    issue_date = timezone.localdate()
    number = invoice_number_next()
    with translation.override(settings.LANGUAGE_CODE):
        document = ubl_document_for(bulk_order=bulk_order, number=number, issue_date=issue_date)
    if document.total_incl_tax != bulk_order.total_incl_tax:
        raise ProcurementError(f"Invoice total {document.total_incl_tax} differs from the order's")
    return _document_save(
        document=document,
        number=number,
        kind=Invoice.Kind.INVOICE,
        bulk_order=bulk_order,
        issue_date=issue_date,
        due_date=document.due_date,
    )


def _document_save(*, document: ubl.UblDocument, **fields) -> Invoice:
    """The issued document's row: its amounts and XML are the UBL document's own, never worked out again."""
    return Invoice.objects.create(
        **fields,
        total_excl_tax=document.line_total,
        total_tax=document.tax_amount,
        total_incl_tax=document.total_incl_tax,
        xml=ubl.document_build(document).decode(),
    )


@transaction.atomic
def credit_note_issue(*, invoice: Invoice) -> Invoice:
    """Credit what is left of an invoice; repeat-safe (one full credit note per invoice).

    With no partial credit note before it, the credit note repeats the invoice's lines. After
    partial ones (cancelled units, a substitute's price difference) it credits the rest of the
    invoice excl. VAT as one line, so the credit notes together never exceed the invoice.
    """
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    existing = invoice.credit_notes.filter(credit_key=FULL_CREDIT_KEY).first()
    if existing is not None:
        return existing
    partial_notes = list(invoice.credit_notes.all())
    partial_excl = sum((note.total_excl_tax for note in partial_notes), Decimal("0.00"))
    partial_tax = sum((note.total_tax for note in partial_notes), Decimal("0.00"))
    lines = None
    tax_amount = None
    if partial_excl:
        tax_amount = invoice.total_tax - partial_tax
        with translation.override(settings.LANGUAGE_CODE):
            lines = [
                ubl.UblLine(
                    item_name=_("Rest of invoice %(number)s") % {"number": invoice.number},
                    quantity=1,
                    net_price=invoice.total_excl_tax - partial_excl,
                )
            ]
    return _credit_note_create(invoice=invoice, key=FULL_CREDIT_KEY, lines=lines, tax_amount=tax_amount)


@transaction.atomic
def credit_note_lines_issue(*, invoice: Invoice, lines: list[ubl.UblLine], key: str) -> Invoice:
    """Credit part of an invoice with the given lines (prices excl. VAT); repeat-safe by ``key``.

    Refused (ProcurementError, nothing saved) for a fully credited invoice, for an empty or
    negative credit, or when the credit notes together would exceed the invoice.
    """
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    existing = invoice.credit_notes.filter(credit_key=key).first()
    if existing is not None:
        return existing
    if invoice.kind != Invoice.Kind.INVOICE or invoice.is_fully_credited:
        raise ProcurementError(_("This invoice has been credited."))
    amount = sum((line.line_amount for line in lines), Decimal("0.00"))
    if not lines or amount <= 0 or any(line.quantity <= 0 or line.net_price < 0 for line in lines):
        raise ProcurementError(_("A credit note needs lines with a positive amount."))
    credited = sum((note.total_excl_tax for note in invoice.credit_notes.all()), Decimal("0.00"))
    if credited + amount > invoice.total_excl_tax:
        raise ProcurementError(_("The credit notes would exceed the invoice."))
    return _credit_note_create(invoice=invoice, key=key, lines=lines)


def _credit_note_create(
    *, invoice: Invoice, key: str, lines: list[ubl.UblLine] | None, tax_amount: Decimal | None = None
) -> Invoice:
    bulk_order = invoice.bulk_order
    issue_date = timezone.localdate()
    number = invoice_number_next()
    with translation.override(settings.LANGUAGE_CODE):
        document = ubl_document_for(
            bulk_order=bulk_order, number=number, issue_date=issue_date, credited=invoice
        )
    if lines is not None:
        document = replace(document, lines=list(lines), tax_amount_fixed=tax_amount)
    credit_note = _document_save(
        document=document,
        number=number,
        kind=Invoice.Kind.CREDIT_NOTE,
        bulk_order=bulk_order,
        credited_invoice=invoice,
        credit_key=key,
        issue_date=issue_date,
        due_date=issue_date,
    )
    _invoice_transmit_enqueue(invoice_id=credit_note.pk)
    return credit_note


def _invoice_to_credit(*, order, not_yet: str) -> Invoice | None:
    """The issued invoice of a live bulk order; None when the order is no (live) bulk order.

    Refused with ``not_yet`` (ProcurementError) while the invoice is not issued: it would still
    bill what is being credited.
    """
    bulk_order = BulkOrder.objects.filter(order_id=order.pk).first()
    if bulk_order is None or bulk_order.status == BulkOrder.Status.CANCELLED:
        return None
    invoice = bulk_order.invoices.filter(kind=Invoice.Kind.INVOICE).first()
    if invoice is None:
        raise ProcurementError(not_yet)
    return invoice


def order_lines_credit(*, order, lines: dict[int, int], key: str) -> Invoice | None:
    """Cancelled units {Oscar order line id: units} of a bulk order: a credit note for just those.

    Each credited line is the order line's product at its unit price excl. VAT (the quoted item
    price the vendors are paid from), VAT 25 % on the credit note's total. Nothing for an order
    that is not a bulk order, or one being cancelled whole (bulk_order_cancel credits in full).
    Refused (ProcurementError) while the invoice is not issued yet: the invoice would still
    bill the cancelled units.
    """
    invoice = _invoice_to_credit(
        order=order,
        not_yet=_("The invoice of this order is not issued yet; cancel part of it once it is (in a minute)."),
    )
    if invoice is None:
        return None
    order_lines = order.lines.in_bulk(list(lines))
    ubl_lines = [
        ubl.UblLine(
            item_name=order_lines[line_id].title,
            quantity=units,
            net_price=order_lines[line_id].unit_price_excl_tax,
            seller_item_id=order_lines[line_id].partner_sku,
        )
        for line_id, units in sorted(lines.items())
        if units > 0
    ]
    return credit_note_lines_issue(invoice=invoice, lines=ubl_lines, key=key)


def order_substitution_credit(*, order, substitution) -> Invoice | None:
    """A confirmed cheaper substitute on a bulk order: a credit note for the price difference.

    One credit line per delivering offer: "<item> → <substitute>", its units, the reduction per
    unit excl. VAT (VAT 25 % on the total). Repeat-safe by the substitution. Refused
    (ProcurementError) while the invoice is not issued yet.
    """
    invoice = _invoice_to_credit(
        order=order,
        not_yet=_(
            "The invoice of this order is not issued yet; confirm the substitute once it is (in a minute)."
        ),
    )
    if invoice is None:
        return None
    ubl_lines = [
        ubl.UblLine(
            item_name=f"{substitution.line.title} → {row.stockrecord.product.get_title()}",
            quantity=row.quantity,
            net_price=row.reduction_excl_tax / row.quantity,
            seller_item_id=row.stockrecord.partner_sku,
        )
        for row in substitution.rows.select_related("stockrecord__product").order_by("pk")
        if row.reduction_excl_tax > 0
    ]
    if not ubl_lines:
        return None
    return credit_note_lines_issue(invoice=invoice, lines=ubl_lines, key=f"substitution:{substitution.pk}")


def _invoice_transmit_enqueue(*, invoice_id: int) -> None:
    """Transmit after commit; if the task is lost the outbox row stays unsent and the sweep sends it."""
    from ..tasks import invoice_transmit_task

    enqueue_on_commit(invoice_transmit_task, invoice_id)


MAX_TRANSMISSION_ATTEMPTS = 10


@transaction.atomic
def invoice_email_send(*, invoice_id: int) -> Invoice:
    """E-mail the PDF with the UBL XML attached to the organisation's invoice address, once."""
    from django.core.mail import EmailMessage

    from ..pdf import invoice_pdf, invoice_pdf_filename

    invoice = (
        Invoice.objects.select_for_update().select_related("bulk_order__organisation").get(pk=invoice_id)
    )
    address = invoice.bulk_order.organisation.invoice_email
    if invoice.emailed_at is not None or not address:
        return invoice
    with translation.override(settings.LANGUAGE_CODE):
        total = amount_kr(invoice.total_incl_tax)
        subject = _("%(kind)s %(number)s from %(seller)s: %(total)s kr.") % {
            "kind": invoice.get_kind_display(),
            "number": invoice.number,
            "seller": settings.MARKETPLACE_SELLER["name"],
            "total": total,
        }
        body = render_to_string(
            "procurement/emails/invoice_issued.txt",
            {"invoice": invoice, "bulk_order": invoice.bulk_order, "total": total},
        )
    message = EmailMessage(subject, body, settings.DEFAULT_FROM_EMAIL, [address])
    message.attach(invoice_pdf_filename(invoice), invoice_pdf(invoice=invoice), "application/pdf")
    message.attach(f"{invoice.file_stem}.xml", invoice.xml.encode(), "application/xml")
    message.send()
    invoice.emailed_at = timezone.now()
    invoice.save(update_fields=["emailed_at"])
    return invoice


@transaction.atomic
def invoice_transmit(*, invoice_id: int, sender=None) -> Invoice:
    """Send one issued document through the configured sender; repeat-safe (a sent one is not resent)."""
    from ..transmission import TransmissionError, sender_get

    invoice = Invoice.objects.select_for_update().select_related("bulk_order__location").get(pk=invoice_id)
    if invoice.transmission_status == Invoice.Transmission.SENT:
        return invoice
    sender = sender or sender_get()
    invoice.transmission_attempts += 1
    try:
        reference = sender.send(
            filename=f"{invoice.file_stem}.xml",
            xml=invoice.xml.encode(),
            receiver_endpoint=f"{ubl.SCHEME_GLN}:{invoice.bulk_order.location.ean}",
        )
    except TransmissionError as exc:
        invoice.transmission_status = Invoice.Transmission.FAILED
        invoice.transmission_error = f"{sender.name}: {exc}"[:2000]
    else:
        invoice.transmission_status = Invoice.Transmission.SENT
        invoice.transmission_reference = f"{sender.name}: {reference}"[:500]
        invoice.transmission_error = ""
        invoice.transmitted_at = timezone.now()
    invoice.save(
        update_fields=[
            "transmission_status",
            "transmission_attempts",
            "transmission_reference",
            "transmission_error",
            "transmitted_at",
        ]
    )
    return invoice


@transaction.atomic
def invoice_mark_paid(*, invoice: Invoice, user) -> Invoice:
    """Staff record the payment; the vendors' payouts go in a task after commit. Repeat-safe."""
    invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
    if invoice.kind != Invoice.Kind.INVOICE:
        raise ProcurementError(_("Only invoices can be marked paid."))
    if invoice.paid_at is not None:
        return invoice
    if invoice.is_fully_credited:
        raise ProcurementError(_("This invoice has been credited."))
    invoice.paid_at = timezone.now()
    invoice.paid_by = user
    invoice.save(update_fields=["paid_at", "paid_by"])
    order = invoice.bulk_order.order
    if order is not None:
        if order.status == OrderStatus.PENDING and OrderStatus.PAID in order.available_statuses():
            order_status_change(order=order, status=OrderStatus.PAID)
        order_payouts_request(order=order)
    return invoice

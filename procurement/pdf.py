"""PDF versions of invoices, credit notes and quotes (WeasyPrint), from the templates the pages use.

The PDF is the human-readable copy; the UBL XML stays the legal e-invoice. Both come from the
stored invoice row, so their totals are the same numbers. Fonts: DejaVu Sans (Debian
fonts-dejavu-core, installed by .ci/run) carries æ, ø and å.
"""

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import translation

from .models import Invoice, Quotation


def invoice_pdf(*, invoice: Invoice, language: str | None = None) -> bytes:
    from weasyprint import HTML

    bulk_order = invoice.bulk_order
    with translation.override(language or settings.LANGUAGE_CODE):
        html = render_to_string(
            "procurement/invoice_pdf.html",
            {
                "invoice": invoice,
                "bulk_order": bulk_order,
                "organisation": bulk_order.organisation,
                "lines": bulk_order.lines.all(),
                "seller": settings.MARKETPLACE_SELLER,
                "LANGUAGE_CODE": language or settings.LANGUAGE_CODE,
            },
        )
    return HTML(string=html).write_pdf()


def invoice_pdf_filename(invoice: Invoice) -> str:
    return f"{invoice.file_stem}.pdf"


def quotation_pdf(*, quotation: Quotation, language: str | None = None) -> bytes:
    """The saved quote as PDF, from the template the quote page shows."""
    from weasyprint import HTML

    language = language or settings.LANGUAGE_CODE
    with translation.override(language):
        html = render_to_string(
            "procurement/quotation_pdf.html",
            {
                "quotation": quotation,
                "organisation": quotation.organisation,
                "lines": quotation.lines.all(),
                "seller": settings.MARKETPLACE_SELLER,
                "LANGUAGE_CODE": language,
            },
        )
    return HTML(string=html).write_pdf()

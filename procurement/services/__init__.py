"""Writes for bulk ordering, by topic: members, bulk orders, quotes, invoices, privacy.

Callers keep importing from here (``from procurement import services; services.bulk_order_create``).
A test that replaces a private helper patches it in the module that looks it up
(``procurement.services.bulk_orders._invoice_issue_enqueue``), not here.

The modules import one way only: members and invoices use errors, bulk_orders uses invoices (a
cancelled order's credit note), quotes uses bulk_orders and invoices; privacy stands alone.
"""

from ..selectors import Quote, bulk_quote, earliest_delivery_date
from .bulk_orders import (
    BulkOrderDraft,
    RecipientData,
    bulk_order_approve,
    bulk_order_cancel,
    bulk_order_create,
    bulk_order_mark_delivered,
    bulk_order_reject,
    bulk_order_withdraw,
    recipients_limit,
    sourcing_shortfall_text,
)
from .errors import ProcurementError, QuotationExpired, QuotationOutdated
from .invoices import (
    INVOICE_SERIES,
    MAX_TRANSMISSION_ATTEMPTS,
    credit_note_issue,
    credit_note_lines_issue,
    invoice_email_send,
    invoice_issue,
    invoice_mark_paid,
    invoice_number_next,
    invoice_transmit,
    order_lines_credit,
    order_substitution_credit,
    ubl_document_for,
)
from .members import (
    invitation_accept,
    invitation_send,
    location_add,
    location_remove,
    membership_language_set,
    membership_remove,
    membership_update,
)
from .privacy import ANONYMISED, recipients_anonymise
from .quotes import (
    bulk_order_create_from_quotation,
    quotation_create,
    quotation_draft,
    quotation_number_format,
    quotation_requote,
)

__all__ = [
    "ANONYMISED",
    "INVOICE_SERIES",
    "MAX_TRANSMISSION_ATTEMPTS",
    "BulkOrderDraft",
    "ProcurementError",
    "Quote",
    "QuotationExpired",
    "QuotationOutdated",
    "RecipientData",
    "bulk_order_approve",
    "bulk_order_cancel",
    "bulk_order_create",
    "bulk_order_create_from_quotation",
    "bulk_order_mark_delivered",
    "bulk_order_reject",
    "bulk_order_withdraw",
    "bulk_quote",
    "credit_note_issue",
    "credit_note_lines_issue",
    "earliest_delivery_date",
    "invitation_accept",
    "invitation_send",
    "invoice_email_send",
    "invoice_issue",
    "invoice_mark_paid",
    "invoice_number_next",
    "invoice_transmit",
    "location_add",
    "location_remove",
    "membership_language_set",
    "membership_remove",
    "membership_update",
    "order_lines_credit",
    "order_substitution_credit",
    "quotation_create",
    "quotation_draft",
    "quotation_number_format",
    "quotation_requote",
    "recipients_anonymise",
    "recipients_limit",
    "sourcing_shortfall_text",
    "ubl_document_for",
]

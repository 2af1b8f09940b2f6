"""Quotes: a numbered, priced offer for a draft, valid for a while, that the buyer can order as it is."""

from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from ..models import BulkOrder, Organisation, OrganisationLocation, Quotation, QuotationLine
from ..notifications import amount_kr
from ..selectors import bulk_quote, earliest_delivery_date
from ..strategy import VolumeDiscountVAT
from .bulk_orders import BulkOrderDraft, bulk_order_create, bulk_order_draft_check
from .errors import ProcurementError, QuotationExpired, QuotationOutdated
from .invoices import invoice_number_next

Product = get_model("catalogue", "Product")


def quotation_number_format(*, year: int, number: int) -> str:
    return f"T-{year}-{number:05d}"


def _quotation_items(*, sourcing, discount_percent: Decimal) -> list[dict]:
    """Each sourced item priced as the order will price it: the default offer's price, less the discount."""
    from marketplace.oscar_apps.partner.strategy import DanishVAT

    gross_strategy = DanishVAT()
    net_strategy = VolumeDiscountVAT(discount_percent=discount_percent)
    products = Product.objects.filter(pk__in=[item.product_id for item in sourcing.items]).prefetch_related(
        "stockrecords__partner__vendor_profile"
    )
    by_pk = {product.pk: product for product in products}
    items = []
    for item in sourcing.items:
        product = by_pk[item.product_id]
        gross = gross_strategy.fetch_for_product(product).price
        net = net_strategy.fetch_for_product(product).price
        if not (gross.exists and net.exists):
            raise ProcurementError(_("%(product)s has no price now.") % {"product": item.title})
        items.append(
            {
                "product": product,
                "title": item.title,
                "quantity": item.quantity,
                "unit_list": gross.excl_tax,
                "unit_net": net.excl_tax,
                "suppliers": [
                    {
                        "vendor": supplier.vendor,
                        "is_rsov": supplier.is_rsov,
                        "units": supplier.units,
                        "from_stock": supplier.from_stock,
                        "weeks": [[week, units] for week, _monday, units in supplier.by_week],
                    }
                    for supplier in item.suppliers
                ],
            }
        )
    return items


@transaction.atomic
def quotation_create(
    *,
    organisation: Organisation,
    user,
    draft: BulkOrderDraft,
    location: OrganisationLocation | None = None,
    today: date | None = None,
) -> Quotation:
    """Save the quote for ``draft`` as a numbered document, valid PROCUREMENT_QUOTE_VALID_DAYS days.

    Only a quote that can be ordered is saved: every basket priced and every item sourced by the
    date. Its item lines add up to the basket prices to the øre (checked here, never assumed).
    """
    today = today or timezone.localdate()
    if location is not None and location.organisation_id != organisation.pk:
        raise ProcurementError(_("Choose one of the organisation's own EAN numbers."))
    if not draft.recipients:
        raise ProcurementError(_("The order has no recipients."))
    quote, sourcing = bulk_order_draft_check(draft=draft, today=today)
    items = _quotation_items(sourcing=sourcing, discount_percent=quote.discount_percent)
    items_total = sum((i["unit_net"] * i["quantity"] for i in items), Decimal("0.00"))
    if items_total != quote.total_excl_tax:
        raise ProcurementError(f"Quote items add up to {items_total}, the baskets to {quote.total_excl_tax}")
    number = quotation_number_format(
        year=today.year, number=invoice_number_next(series=f"quote-{today.year}")
    )
    quotation = Quotation.objects.create(
        organisation=organisation,
        created_by=user,
        number=number,
        valid_until=today + timedelta(days=settings.PROCUREMENT_QUOTE_VALID_DAYS),
        location=location,
        requested_delivery_date=draft.requested_delivery_date,
        basket_count=quote.basket_count,
        recipient_count=len(draft.recipients),
        discount_percent=quote.discount_percent,
        list_price_excl_tax=sum((i["unit_list"] * i["quantity"] for i in items), Decimal("0.00")),
        discount_excl_tax=sum(
            ((i["unit_list"] - i["unit_net"]) * i["quantity"] for i in items), Decimal("0.00")
        ),
        total_excl_tax=quote.total_excl_tax,
        total_tax=quote.total_tax,
        total_incl_tax=quote.total_incl_tax,
        baskets=[
            {
                "design_id": line.design.pk,
                "title": line.title,
                "quantity": line.quantity,
                "unit_list_excl_tax": str(line.unit_gross_excl_tax),
                "unit_net_excl_tax": str(line.unit_net_excl_tax),
            }
            for line in quote.lines
        ],
        draft=draft.as_session(),
    )
    QuotationLine.objects.bulk_create(
        QuotationLine(
            quotation=quotation,
            position=position,
            product=i["product"],
            title=i["title"],
            quantity=i["quantity"],
            unit_list_price_excl_tax=i["unit_list"],
            unit_discount_excl_tax=i["unit_list"] - i["unit_net"],
            unit_price_excl_tax=i["unit_net"],
            line_total_excl_tax=i["unit_net"] * i["quantity"],
            suppliers=i["suppliers"],
        )
        for position, i in enumerate(items, start=1)
    )
    return quotation


def quotation_draft(quotation: Quotation) -> BulkOrderDraft:
    if not quotation.draft:
        raise ProcurementError(_("This quote has no recipients any more: make a new order."))
    return BulkOrderDraft.from_session(quotation.draft)


def quotation_requote(*, quotation: Quotation, user, today: date | None = None) -> Quotation:
    """A fresh quote for the same recipients at today's prices (a later date if the old one is too soon)."""
    draft = quotation_draft(quotation)
    earliest = earliest_delivery_date(today=today)
    if draft.requested_delivery_date < earliest:
        draft = BulkOrderDraft(recipients=draft.recipients, requested_delivery_date=earliest)
    return quotation_create(
        organisation=quotation.organisation, user=user, draft=draft, location=quotation.location, today=today
    )


@transaction.atomic
def bulk_order_create_from_quotation(
    *,
    quotation: Quotation,
    user,
    location: OrganisationLocation,
    po_number: str,
    person_reference: str,
    accounting_cost: str = "",
    base_url: str = "",
) -> BulkOrder:
    """Order what the quote offered, at the quote's amounts; never at others.

    Refused with QuotationExpired after ``valid_until`` and with QuotationOutdated when today's
    prices would give other amounts: the buyer is offered a fresh quote instead.
    """
    quotation = Quotation.objects.select_for_update().get(pk=quotation.pk)
    earlier = quotation.bulk_orders.first()
    if earlier is not None:
        raise ProcurementError(
            _("Quote %(number)s has already been ordered (order %(pk)s).")
            % {"number": quotation.number, "pk": earlier.pk}
        )
    if quotation.is_expired():
        raise QuotationExpired(
            _(
                "Quote %(number)s was valid until %(date)s and can no longer be ordered. "
                "Ask for a new quote at today's prices."
            )
            % {"number": quotation.number, "date": quotation.valid_until.strftime("%d.%m.%Y")}
        )
    draft = quotation_draft(quotation)
    quote = bulk_quote(design_counts=draft.design_counts)
    quoted = {b["design_id"]: Decimal(b["unit_net_excl_tax"]) for b in quotation.baskets}
    now = {line.design.pk: line.unit_net_excl_tax for line in quote.lines}
    if quote.problems or now != quoted or quote.total_excl_tax != quotation.total_excl_tax:
        raise QuotationOutdated(
            _(
                "Prices have changed since quote %(number)s (%(old)s → %(new)s kr. excl. VAT). "
                "Ask for a new quote; nothing has been ordered."
            )
            % {
                "number": quotation.number,
                "old": amount_kr(quotation.total_excl_tax),
                "new": amount_kr(quote.total_excl_tax),
            }
        )
    bulk_order = bulk_order_create(
        organisation=quotation.organisation,
        user=user,
        draft=draft,
        location=location,
        po_number=po_number,
        person_reference=person_reference,
        accounting_cost=accounting_cost,
        base_url=base_url,
    )
    amounts = ("total_excl_tax", "total_tax", "total_incl_tax")
    if any(getattr(bulk_order, a) != getattr(quotation, a) for a in amounts):
        raise QuotationOutdated(
            _("The order's amounts differ from quote %(number)s. Ask for a new quote.")
            % {"number": quotation.number}
        )
    bulk_order.quotation = quotation
    bulk_order.save(update_fields=["quotation"])
    # The order's recipients take over; the quote keeps no copy of the addresses.
    quotation.draft = {}
    quotation.save(update_fields=["draft"])
    return bulk_order

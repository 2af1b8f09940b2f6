"""Bulk orders: the draft, placing (now or after approval), approving, rejecting, withdrawing, cancelling.

Money-changing actions lock the bulk order row and are safe to repeat.
"""

import logging
from dataclasses import dataclass, replace
from datetime import date
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from oscar.core.loading import get_class, get_model
from oscar.core.prices import Price

from baskets.services import GiftBasketError, gift_basket_add_to_cart
from fulfilment.services import (
    CancellationError,
    order_cancel,
    order_delivery_date_request,
    order_status_change,
)
from marketplace.control_characters import validate_no_control_characters, validate_single_line
from marketplace.countries import denmark
from marketplace.order_status import OrderStatus
from marketplace.tasks_enqueue import enqueue_on_commit
from supply.services import CapacityExhausted, capacity_attach, capacity_release, capacity_reserve

from .. import selectors
from ..models import (
    BulkOrder,
    BulkOrderLine,
    Invoice,
    Membership,
    Organisation,
    OrganisationLocation,
    Recipient,
)
from ..notifications import amount_kr
from ..selectors import Quote, bulk_quote, earliest_delivery_date
from ..sourcing import BulkSourcing, bulk_sourcing
from ..strategy import VolumeDiscountVAT
from .errors import ProcurementError
from .invoices import credit_note_issue

logger = logging.getLogger(__name__)

Basket = get_model("basket", "Basket")
BasketLine = get_model("basket", "Line")
BasketLineAttribute = get_model("basket", "LineAttribute")
Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")
ShippingAddress = get_model("order", "ShippingAddress")
BillingAddress = get_model("order", "BillingAddress")
OrderCreator = get_class("order.utils", "OrderCreator")
OrderNumberGenerator = get_class("order.utils", "OrderNumberGenerator")
Free = get_class("shipping.methods", "Free")


@dataclass(frozen=True)
class RecipientData:
    name: str
    street: str
    postcode: str
    city: str
    message: str
    design_id: int
    quantity: int = 1
    attention: str = ""
    phone: str = ""
    email: str = ""


@dataclass(frozen=True)
class BulkOrderDraft:
    """What the buyer chose before the quote: kept in the session, saved only on confirmation."""

    recipients: list[RecipientData]
    requested_delivery_date: date

    @property
    def design_counts(self) -> dict[int, int]:
        counts: dict[int, int] = {}
        for recipient in self.recipients:
            counts[recipient.design_id] = counts.get(recipient.design_id, 0) + recipient.quantity
        return counts

    def as_session(self) -> dict:
        return {
            "recipients": [r.__dict__ for r in self.recipients],
            "requested_delivery_date": self.requested_delivery_date.isoformat(),
        }

    @classmethod
    def from_session(cls, data: dict) -> "BulkOrderDraft":
        return cls(
            recipients=[RecipientData(**r) for r in data["recipients"]],
            requested_delivery_date=date.fromisoformat(data["requested_delivery_date"]),
        )


def _text_check(*, label: str, value: str, multi_line: bool = False) -> None:
    """Text that reaches the e-invoice, the PDF, the delivery list or an e-mail has no control characters."""
    try:
        (validate_no_control_characters if multi_line else validate_single_line)(value)
    except ValidationError as exc:
        raise ProcurementError(f"{label}: {' '.join(exc.messages)}")


@transaction.atomic
def bulk_order_create(
    *,
    organisation: Organisation,
    user,
    draft: BulkOrderDraft,
    location: OrganisationLocation,
    po_number: str,
    person_reference: str,
    accounting_cost: str = "",
    base_url: str = "",
) -> BulkOrder:
    """Save the confirmed order; place it now or, above the organisation's limit, ask an approver."""
    po_number, person_reference = po_number.strip(), person_reference.strip()
    if location.organisation_id != organisation.pk:
        raise ProcurementError(_("Choose one of the organisation's own EAN numbers."))
    if not po_number:
        raise ProcurementError(_("Enter the purchase-order number."))
    if not person_reference:
        raise ProcurementError(_("Enter the person reference the invoice must carry."))
    if not draft.recipients:
        raise ProcurementError(_("The order has no recipients."))
    _text_check(label=_("Purchase-order number"), value=po_number)
    _text_check(label=_("Person reference"), value=person_reference)
    _text_check(label=_("Account / cost centre"), value=accounting_cost)
    for position, r in enumerate(draft.recipients, start=1):
        for label, value in (
            (_("Name"), r.name),
            (_("Attention"), r.attention),
            (_("Street"), r.street),
            (_("City"), r.city),
            (_("Phone"), r.phone),
            (_("E-mail"), r.email),
        ):
            _text_check(label=f"{_('Recipient')} {position}, {label}", value=value)
        _text_check(
            label=f"{_('Recipient')} {position}, {_('Gift message')}", value=r.message, multi_line=True
        )
    quote, sourcing = bulk_order_draft_check(draft=draft)

    needs_approval = quote.total_incl_tax > organisation.approval_limit
    bulk_order = BulkOrder.objects.create(
        organisation=organisation,
        created_by=user,
        status=BulkOrder.Status.AWAITING_APPROVAL if needs_approval else BulkOrder.Status.PLACED,
        location=location,
        po_number=po_number,
        person_reference=person_reference,
        accounting_cost=accounting_cost.strip(),
        requested_delivery_date=draft.requested_delivery_date,
        basket_count=quote.basket_count,
        discount_percent=quote.discount_percent,
        total_excl_tax=quote.total_excl_tax,
        total_tax=quote.total_tax,
        total_incl_tax=quote.total_incl_tax,
    )
    _lines_save(bulk_order=bulk_order, quote=quote)
    _capacity_promise(bulk_order=bulk_order, plan=sourcing.plan)
    Recipient.objects.bulk_create(
        Recipient(
            bulk_order=bulk_order,
            position=position,
            name=r.name,
            attention=r.attention,
            street=r.street,
            postcode=r.postcode,
            city=r.city,
            phone=r.phone,
            email=r.email,
            message=r.message,
            quantity=r.quantity,
            design_id=r.design_id,
        )
        for position, r in enumerate(draft.recipients, start=1)
    )
    if needs_approval:
        _approval_request_send(bulk_order=bulk_order, base_url=base_url)
        if not selectors.bulk_order_other_approver_exists(bulk_order=bulk_order):
            _staff_tell_no_other_approver(bulk_order=bulk_order, base_url=base_url)
    else:
        _bulk_order_place(bulk_order=bulk_order, user=user)
    return bulk_order


def bulk_order_draft_check(*, draft: BulkOrderDraft, today: date | None = None) -> tuple[Quote, BulkSourcing]:
    """What an order or a quote of ``draft`` stands on: a date not too soon, every basket priced, all sourced.

    Refused (ProcurementError) with what is wrong; else the price and the sourcing plan.
    """
    earliest = earliest_delivery_date(today=today)
    if draft.requested_delivery_date < earliest:
        raise ProcurementError(
            _("The earliest delivery date is %(date)s.") % {"date": earliest.strftime("%d.%m.%Y")}
        )
    quote = bulk_quote(design_counts=draft.design_counts)
    if quote.problems:
        raise ProcurementError(quote.problems)
    sourcing = _sourcing_feasible(
        design_counts=draft.design_counts, requested_delivery_date=draft.requested_delivery_date, today=today
    )
    return quote, sourcing


def _sourcing_feasible(
    *, design_counts: dict[int, int], requested_delivery_date: date, today: date | None = None
) -> BulkSourcing:
    """The enterprises' plan to supply ``design_counts`` by the date; refused with the shortfall if short."""
    sourcing = bulk_sourcing(
        design_counts=design_counts, requested_delivery_date=requested_delivery_date, today=today
    )
    if not sourcing.feasible:
        raise ProcurementError(sourcing_shortfall_text(sourcing))
    return sourcing


def sourcing_shortfall_text(sourcing) -> str:
    """What the buyer is told when the enterprises together cannot supply the order by the date."""
    text = _(
        "The enterprises together cannot supply %(baskets)d baskets for delivery on %(date)s: "
        "%(largest)d baskets are possible by then."
    ) % {
        "baskets": sourcing.baskets,
        "date": sourcing.requested_delivery_date.strftime("%d.%m.%Y"),
        "largest": sourcing.largest_baskets,
    }
    short = [f"{item.title} ({item.shortfall})" for item in sourcing.items if item.shortfall]
    if short:
        text += " " + _("Units missing by then: %(items)s.") % {"items": ", ".join(short)}
    if sourcing.earliest_delivery:
        text += " " + _("All %(baskets)d can be delivered from %(date)s.") % {
            "baskets": sourcing.baskets,
            "date": max(sourcing.earliest_delivery, earliest_delivery_date()).strftime("%d.%m.%Y"),
        }
    return text


def recipients_limit(
    recipients: list[RecipientData], counts: dict[int, int]
) -> tuple[list[RecipientData], int]:
    """The first recipients whose baskets fit ``counts`` ({design id: baskets}); and how many were left out.

    A recipient asking for more baskets than are left gets what is left (at least one).
    """
    left = dict(counts)
    kept = []
    for recipient in recipients:
        room = left.get(recipient.design_id, 0)
        if room <= 0:
            continue
        quantity = min(recipient.quantity, room)
        left[recipient.design_id] = room - quantity
        kept.append(recipient if quantity == recipient.quantity else replace(recipient, quantity=quantity))
    return kept, len(recipients) - len(kept)


def _capacity_reference(bulk_order: BulkOrder) -> str:
    return f"bulk-order:{bulk_order.pk}"


def _capacity_promise(*, bulk_order: BulkOrder, plan) -> None:
    """Promise the capacity weeks the plan counts on to this order (held while it awaits approval)."""
    try:
        capacity_reserve(plan=plan, reference=_capacity_reference(bulk_order))
    except CapacityExhausted as exc:
        raise ProcurementError(
            _(
                "Another order has just taken some of the capacity this order needs. "
                "Please look at the quote again."
            )
        ) from exc


def _lines_save(*, bulk_order: BulkOrder, quote: Quote) -> None:
    BulkOrderLine.objects.bulk_create(
        BulkOrderLine(
            bulk_order=bulk_order,
            design=line.design,
            title=line.title,
            quantity=line.quantity,
            unit_price_excl_tax=line.unit_gross_excl_tax,
            unit_discount_excl_tax=line.unit_discount_excl_tax,
        )
        for line in quote.lines
    )


def _approval_request_send(*, bulk_order: BulkOrder, base_url: str) -> None:
    """One e-mail per language to the organisation's approvers, each in the language they speak."""
    by_language: dict[str, list[str]] = {}
    for email, language in (
        bulk_order.organisation.memberships.filter(role=Membership.Role.APPROVER, user__is_active=True)
        .exclude(user__email="")
        .values_list("user__email", "language")
    ):
        by_language.setdefault(language or settings.LANGUAGE_CODE, []).append(email)
    link = base_url.rstrip("/") + reverse(
        "procurement:order-detail", kwargs={"slug": bulk_order.organisation.slug, "pk": bulk_order.pk}
    )
    for language, recipients in by_language.items():
        with translation.override(language):
            total = amount_kr(bulk_order.total_incl_tax)
            subject = _("Order awaiting your approval: %(total)s kr.") % {"total": total}
            body = render_to_string(
                "procurement/emails/approval_request.txt", {"bulk_order": bulk_order, "link": link}
            )
        transaction.on_commit(partial(send_mail, subject, body, settings.DEFAULT_FROM_EMAIL, recipients))


@transaction.atomic
def bulk_order_approve(*, bulk_order: BulkOrder, user) -> BulkOrder:
    bulk_order = BulkOrder.objects.select_for_update().get(pk=bulk_order.pk)
    if bulk_order.status != BulkOrder.Status.AWAITING_APPROVAL:
        return bulk_order
    _approver_check(bulk_order=bulk_order, user=user)
    bulk_order.status = BulkOrder.Status.PLACED
    bulk_order.decided_by = user
    bulk_order.decided_at = timezone.now()
    bulk_order.save(update_fields=["status", "decided_by", "decided_at"])
    _bulk_order_place(bulk_order=bulk_order, user=bulk_order.created_by)
    return bulk_order


@transaction.atomic
def bulk_order_reject(*, bulk_order: BulkOrder, user, reason: str) -> BulkOrder:
    bulk_order = BulkOrder.objects.select_for_update().get(pk=bulk_order.pk)
    if bulk_order.status != BulkOrder.Status.AWAITING_APPROVAL:
        return bulk_order
    _approver_check(bulk_order=bulk_order, user=user)
    if not reason.strip():
        raise ProcurementError(_("Say why the order is rejected."))
    _text_check(label=_("Reason"), value=reason, multi_line=True)
    bulk_order.status = BulkOrder.Status.REJECTED
    bulk_order.decided_by = user
    bulk_order.decided_at = timezone.now()
    bulk_order.rejection_reason = reason.strip()
    bulk_order.save(update_fields=["status", "decided_by", "decided_at", "rejection_reason"])
    capacity_release(reference=_capacity_reference(bulk_order))
    return bulk_order


def _approver_check(*, bulk_order: BulkOrder, user) -> None:
    is_approver = Membership.objects.filter(
        organisation_id=bulk_order.organisation_id, user=user, role=Membership.Role.APPROVER
    ).exists()
    if not (is_approver or user.is_staff):
        raise ProcurementError(_("Only an approver can decide on this order."))
    if bulk_order.created_by_id is not None and bulk_order.created_by_id == user.pk:
        raise ProcurementError(
            _("You placed this order yourself: another approver must decide on it (four eyes).")
        )


def _staff_tell_no_other_approver(*, bulk_order: BulkOrder, base_url: str) -> None:
    """The buyer is the organisation's only approver: staff decide, or appoint another approver."""
    from django.contrib.auth import get_user_model

    staff = list(
        get_user_model()
        .objects.filter(is_staff=True, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    if not staff:
        logger.warning("Bulk order %s: no approver besides its buyer, no staff e-mail", bulk_order.pk)
        return
    link = base_url.rstrip("/") + reverse(
        "procurement:order-detail", kwargs={"slug": bulk_order.organisation.slug, "pk": bulk_order.pk}
    )
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Order %(pk)s of %(organisation)s has no other approver than its buyer") % {
            "pk": bulk_order.pk,
            "organisation": bulk_order.organisation.name,
        }
        body = _(
            "%(buyer)s placed order %(pk)s above the approval limit and is the organisation's only "
            "approver. Four eyes: decide on it yourselves or ask the organisation to appoint another "
            "approver.\n\n%(link)s"
        ) % {"buyer": bulk_order.created_by, "pk": bulk_order.pk, "link": link}
    transaction.on_commit(lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, staff))


@transaction.atomic
def bulk_order_withdraw(*, bulk_order: BulkOrder, user) -> BulkOrder:
    """The buyer takes back an order that still awaits approval; nothing was placed or invoiced."""
    bulk_order = BulkOrder.objects.select_for_update().get(pk=bulk_order.pk)
    if bulk_order.status == BulkOrder.Status.CANCELLED:
        return bulk_order
    if bulk_order.created_by_id != user.pk:
        raise ProcurementError(_("Only the buyer who placed the order can withdraw it."))
    if bulk_order.status != BulkOrder.Status.AWAITING_APPROVAL:
        raise ProcurementError(_("Only an order that awaits approval can be withdrawn."))
    bulk_order.status = BulkOrder.Status.CANCELLED
    bulk_order.decided_by = user
    bulk_order.decided_at = timezone.now()
    bulk_order.save(update_fields=["status", "decided_by", "decided_at"])
    capacity_release(reference=_capacity_reference(bulk_order))
    return bulk_order


def _bulk_order_place(*, bulk_order: BulkOrder, user) -> None:
    """Build an Oscar basket with the discount strategy and place it with Oscar's OrderCreator.

    Oscar's `order_placed` signal fires, so the order is split per vendor like
    any other order. The total passed to Oscar is the invoice's total (VAT
    rounded once), so order and invoice agree to the øre.
    """
    design_counts = {line.design_id: line.quantity for line in bulk_order.lines.all()}
    # Plan again with what is free now (this order's own promise given back first, in this transaction).
    reference = _capacity_reference(bulk_order)
    capacity_release(reference=reference)
    sourcing = _sourcing_feasible(
        design_counts=design_counts, requested_delivery_date=bulk_order.requested_delivery_date
    )
    _capacity_promise(bulk_order=bulk_order, plan=sourcing.plan)
    strategy = VolumeDiscountVAT(
        discount_percent=bulk_order.discount_percent, item_prices=_item_prices(sourcing.plan)
    )
    basket = Basket.objects.create(owner=user if user and user.is_authenticated else None)
    basket.strategy = strategy
    try:
        for line in bulk_order.lines.select_related("design"):
            gift_basket_add_to_cart(
                basket=basket,
                design=line.design,
                quantity=line.quantity,
                strategy=strategy,
                check_stock=False,
            )
    except GiftBasketError as exc:
        raise ProcurementError(exc.messages)
    basket = Basket.objects.get(pk=basket.pk)
    _basket_lines_source(basket=basket, plan=sourcing.plan)
    basket = Basket.objects.get(pk=basket.pk)
    basket.strategy = strategy
    excl = basket.total_excl_tax
    if excl != bulk_order.total_excl_tax:
        raise ProcurementError(
            _("Prices have changed since the quote (%(old)s → %(new)s kr. excl. VAT). Please order again.")
            % {"old": bulk_order.total_excl_tax, "new": excl}
        )
    total = Price(currency="DKK", excl_tax=excl, incl_tax=bulk_order.total_incl_tax)
    organisation = bulk_order.organisation
    country = denmark()
    recipients = list(bulk_order.recipients.all()[:2])
    single = recipients[0] if len(recipients) == 1 else None
    shipping_address = ShippingAddress.objects.create(
        first_name="",
        last_name=single.name if single else organisation.name,
        line1=single.street if single else organisation.street,
        postcode=single.postcode if single else organisation.postcode,
        line4=single.city if single else organisation.city,
        country=country,
        notes=_("Bulk order: see the delivery list (%(count)d recipients).")
        % {"count": bulk_order.recipients.count()},
    )
    billing_address = BillingAddress.objects.create(
        last_name=organisation.name,
        line1=organisation.street,
        postcode=organisation.postcode,
        line4=organisation.city,
        country=country,
    )
    method = Free()
    basket.freeze()
    order = OrderCreator().place_order(
        basket=basket,
        total=total,
        shipping_method=method,
        shipping_charge=method.calculate(basket),
        user=user,
        shipping_address=shipping_address,
        billing_address=billing_address,
        order_number=OrderNumberGenerator().order_number(basket),
        guest_email="" if user else organisation.invoice_email,
    )
    basket.submit()
    order_delivery_date_request(order=order, requested_delivery_date=bulk_order.requested_delivery_date)
    _capacity_units_unallocate(order=order, plan=sourcing.plan)
    capacity_attach(reference=reference, order=order)
    bulk_order.order = order
    bulk_order.save(update_fields=["order"])
    _invoice_issue_enqueue(bulk_order_id=bulk_order.pk)


def _item_prices(plan) -> dict:
    """Each sourced item at its default offer's price (the quote's), whichever enterprise supplies it."""
    from marketplace.oscar_apps.partner.strategy import DanishVAT

    strategy = DanishVAT()
    prices = {}
    for product in Product.objects.filter(pk__in=list(plan.items)).prefetch_related(
        "stockrecords__partner__vendor_profile"
    ):
        stockrecord = strategy.select_stockrecord(product)
        if stockrecord is not None and stockrecord.price is not None:
            prices[product.pk] = stockrecord.price
    return prices


def _basket_lines_source(*, basket, plan) -> None:
    """One basket line per (product, offer) of the plan: vendor A 200, B 180, C 120 of the same item.

    The gift-basket lines were added with the default offer; each is re-cut along the plan's
    allocations of its product, keeping its gift-basket option, so the split makes one vendor
    order per enterprise and the pick lists show each enterprise its own units.
    """
    remaining = {
        product_id: [[a.stockrecord_id, a.units] for a in item.allocations if a.units]
        for product_id, item in plan.items.items()
    }
    stockrecords = StockRecord.objects.in_bulk(
        [sr for allocations in remaining.values() for sr, _units in allocations]
    )
    for line in basket.lines.select_related("product").prefetch_related("attributes__option").order_by("pk"):
        queue = remaining.get(line.product_id)
        if not queue:
            continue
        options = [{"option": a.option, "value": a.value} for a in line.attributes.all()]
        needed, pieces = line.quantity, []
        while needed and queue:
            stockrecord_id, units = queue[0]
            take = min(units, needed)
            pieces.append((stockrecords[stockrecord_id], take))
            needed -= take
            queue[0][1] -= take
            if queue[0][1] == 0:
                queue.pop(0)
        if needed:
            raise ProcurementError(
                _("The sourcing plan does not cover %(product)s.") % {"product": line.product}
            )
        first_stockrecord, first_units = pieces[0]
        for stockrecord, units in pieces[1:]:
            copy = BasketLine.objects.create(
                basket=basket,
                line_reference=basket._create_line_reference(line.product, stockrecord, options),
                product=line.product,
                stockrecord=stockrecord,
                quantity=units,
                price_currency=line.price_currency,
                price_excl_tax=line.price_excl_tax,
                price_incl_tax=line.price_incl_tax,
            )
            for attribute in line.attributes.all():
                BasketLineAttribute.objects.create(line=copy, option=attribute.option, value=attribute.value)
        line.stockrecord = first_stockrecord
        line.quantity = first_units
        line.line_reference = basket._create_line_reference(line.product, first_stockrecord, options)
        line.save(update_fields=["stockrecord", "quantity", "line_reference"])


def _capacity_units_unallocate(*, order, plan) -> None:
    """Oscar allocated each line's whole quantity; only the stock part is stock — the rest is capacity.

    The units to be made are promised as capacity (CapacityReservation rows tied to the order),
    so they must not also hold the offer's stock on hand.
    """
    for item in plan.items.values():
        for allocation in item.allocations:
            made = allocation.units - allocation.from_stock
            if made:
                StockRecord.objects.filter(pk=allocation.stockrecord_id).update(
                    num_allocated=F("num_allocated") - made
                )


def _invoice_issue_enqueue(*, bulk_order_id: int) -> None:
    """Issue the invoice in a task after commit; invoices_missing_sweep issues it if the task is lost."""
    from ..tasks import invoice_issue_task

    enqueue_on_commit(invoice_issue_task, bulk_order_id)


@transaction.atomic
def bulk_order_cancel(*, bulk_order: BulkOrder, user) -> BulkOrder:
    """Cancel an order; a placed order's invoice is cancelled with a credit note."""
    bulk_order = BulkOrder.objects.select_for_update().get(pk=bulk_order.pk)
    if bulk_order.status in (BulkOrder.Status.CANCELLED, BulkOrder.Status.REJECTED):
        return bulk_order
    if bulk_order.status == BulkOrder.Status.DELIVERED:
        raise ProcurementError(_("A delivered order cannot be cancelled."))
    invoice = bulk_order.invoices.filter(kind=Invoice.Kind.INVOICE).first()
    if invoice and invoice.paid_at:
        raise ProcurementError(_("The invoice is paid; cancel by refund instead."))
    bulk_order.status = BulkOrder.Status.CANCELLED
    bulk_order.save(update_fields=["status"])
    order = bulk_order.order
    if order is not None:
        # Vendors, stock, capacity, pick lists and payouts follow (13.6).
        try:
            order_cancel(order=order, by=user, reason=_("The bulk order was cancelled."))
        except CancellationError as exc:
            raise ProcurementError(str(exc)) from exc
        order.refresh_from_db()
        if order.status != OrderStatus.CANCELLED and OrderStatus.CANCELLED in order.available_statuses():
            order_status_change(order=order, status=OrderStatus.CANCELLED)
    if invoice is not None:
        credit_note_issue(invoice=invoice)
    return bulk_order


@transaction.atomic
def bulk_order_mark_delivered(*, bulk_order: BulkOrder) -> BulkOrder:
    bulk_order = BulkOrder.objects.select_for_update().get(pk=bulk_order.pk)
    if bulk_order.status != BulkOrder.Status.PLACED:
        return bulk_order
    now = timezone.now()
    bulk_order.recipients.filter(delivered_at__isnull=True).update(
        status=Recipient.Status.DELIVERED, delivered_at=now
    )
    bulk_order.status = BulkOrder.Status.DELIVERED
    bulk_order.delivered_at = now
    bulk_order.save(update_fields=["status", "delivered_at"])
    return bulk_order

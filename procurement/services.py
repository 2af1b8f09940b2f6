"""Writes for bulk ordering: invitations, placing, approving, invoicing, credit notes, privacy.

Money-changing actions lock the bulk order row and are safe to repeat.
"""

import logging
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from oscar.core.loading import get_class, get_model
from oscar.core.prices import Price

from baskets.services import GiftBasketError, gift_basket_add_to_cart
from fulfilment.services import (
    CancellationError,
    order_cancel,
    order_delivery_date_request,
    order_payouts_request,
)
from marketplace.control_characters import validate_no_control_characters, validate_single_line
from marketplace.errors import RuleViolation
from marketplace.order_status import OrderStatus
from marketplace.tasks_enqueue import enqueue_on_commit
from supply.services import CapacityExhausted, capacity_attach, capacity_release, capacity_reserve

from . import selectors, ubl
from .models import (
    FULL_CREDIT_KEY,
    BulkOrder,
    BulkOrderLine,
    Invitation,
    Invoice,
    InvoiceCounter,
    Membership,
    Organisation,
    OrganisationLocation,
    Quotation,
    QuotationLine,
    Recipient,
)
from .notifications import active_language
from .selectors import Quote, bulk_quote, earliest_delivery_date  # noqa: F401 (re-exported)
from .sourcing import bulk_sourcing
from .strategy import VolumeDiscountVAT

logger = logging.getLogger(__name__)

Basket = get_model("basket", "Basket")
BasketLine = get_model("basket", "Line")
BasketLineAttribute = get_model("basket", "LineAttribute")
Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")
Country = get_model("address", "Country")
ShippingAddress = get_model("order", "ShippingAddress")
BillingAddress = get_model("order", "BillingAddress")
OrderCreator = get_class("order.utils", "OrderCreator")
OrderNumberGenerator = get_class("order.utils", "OrderNumberGenerator")
Free = get_class("shipping.methods", "Free")

INVOICE_SERIES = "invoice"
ANONYMISED = "Anonymiseret"


class ProcurementError(ValidationError, RuleViolation):
    """A rule stopped the action; the message says why."""


# --- Members ---------------------------------------------------------------------------


def invitation_send(
    *, organisation: Organisation, email: str, role: str, invited_by, base_url: str, is_admin: bool = False
) -> Invitation:
    invitation = Invitation.objects.create(
        organisation=organisation,
        email=email.strip().lower(),
        role=role,
        is_admin=is_admin,
        invited_by=invited_by,
    )
    link = base_url.rstrip("/") + reverse("procurement:invitation-accept", kwargs={"token": invitation.token})
    with translation.override(settings.LANGUAGE_CODE):
        body = render_to_string("procurement/emails/invitation.txt", {"invitation": invitation, "link": link})
        subject = _("Invitation to order for %(organisation)s") % {"organisation": organisation.name}
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.email])
    return invitation


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user) -> Membership:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at is not None:
        raise ProcurementError(_("This invitation has already been used."))
    if user.email.lower() != invitation.email.lower():
        raise ProcurementError(_("This invitation was sent to another e-mail address."))
    membership, _created = Membership.objects.update_or_create(
        organisation=invitation.organisation,
        user=user,
        defaults={
            "role": invitation.role,
            "is_admin": invitation.is_admin,
            "language": active_language(),
        },
    )
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    return membership


def _last_admin_check(*, membership: Membership, by) -> None:
    """An organisation admin cannot leave the organisation without one (staff can)."""
    if by.is_staff or not membership.is_admin:
        return
    others = Membership.objects.filter(organisation=membership.organisation, is_admin=True).exclude(
        pk=membership.pk
    )
    if not others.exists():
        raise ProcurementError(
            _("The organisation must keep at least one admin: make another member admin first.")
        )


@transaction.atomic
def membership_update(*, membership: Membership, role: str, is_admin: bool, by) -> Membership:
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if role not in Membership.Role.values:
        raise ProcurementError(_("Unknown role."))
    if membership.is_admin and not is_admin:
        _last_admin_check(membership=membership, by=by)
    membership.role, membership.is_admin = role, is_admin
    membership.save(update_fields=["role", "is_admin"])
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, by) -> None:
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    _last_admin_check(membership=membership, by=by)
    membership.delete()


def membership_language_set(*, membership: Membership, language: str) -> Membership:
    """The member's own choice of language for the e-mails to them; ordering no longer changes it."""
    if language not in dict(settings.LANGUAGES):
        raise ProcurementError(_("Unknown language."))
    membership.language, membership.language_chosen = language, True
    membership.save(update_fields=["language", "language_chosen"])
    return membership


def location_add(*, organisation: Organisation, ean: str, unit_name: str) -> OrganisationLocation:
    """A new EAN number; the model checks the GS1 check digit, this says when it is taken."""
    ean = "".join((ean or "").split())
    location = OrganisationLocation(organisation=organisation, ean=ean, unit_name=(unit_name or "").strip())
    try:
        location.full_clean()
    except ValidationError as exc:
        if "ean" in exc.message_dict and OrganisationLocation.objects.filter(ean=ean).exists():
            raise ProcurementError(_("EAN number %(ean)s is already registered.") % {"ean": ean})
        raise ProcurementError([m for messages in exc.message_dict.values() for m in messages])
    location.save()
    return location


def location_remove(*, location: OrganisationLocation) -> None:
    """An EAN number that orders were invoiced to stays: those invoices refer to it."""
    if location.bulk_orders.exists():
        raise ProcurementError(
            _("EAN number %(ean)s has orders and cannot be removed.") % {"ean": location.ean}
        )
    location.delete()


# --- Bulk orders -------------------------------------------------------------------------


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
    if draft.requested_delivery_date < earliest_delivery_date():
        raise ProcurementError(
            _("The earliest delivery date is %(date)s.")
            % {"date": earliest_delivery_date().strftime("%d.%m.%Y")}
        )
    quote = bulk_quote(design_counts=draft.design_counts)
    if quote.problems:
        raise ProcurementError(quote.problems)
    sourcing = bulk_sourcing(
        design_counts=draft.design_counts, requested_delivery_date=draft.requested_delivery_date
    )
    if not sourcing.feasible:
        raise ProcurementError(sourcing_shortfall_text(sourcing))

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
            total = _kr(bulk_order.total_incl_tax)
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


def _country_dk():
    country, _created = Country.objects.get_or_create(
        iso_3166_1_a2="DK",
        defaults={
            "iso_3166_1_a3": "DNK",
            "iso_3166_1_numeric": "208",
            "printable_name": "Danmark",
            "name": "Kongeriget Danmark",
            "is_shipping_country": True,
        },
    )
    return country


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
    sourcing = bulk_sourcing(
        design_counts=design_counts, requested_delivery_date=bulk_order.requested_delivery_date
    )
    if not sourcing.feasible:
        raise ProcurementError(sourcing_shortfall_text(sourcing))
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
    country = _country_dk()
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
    from .tasks import invoice_issue_task

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
            order.set_status(OrderStatus.CANCELLED)
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


# --- Quotes --------------------------------------------------------------------------------


class QuotationExpired(ProcurementError):
    """The quote's validity has run out: the buyer asks for a fresh one."""


class QuotationOutdated(ProcurementError):
    """Prices or supply changed since the quote: the order would not carry the quoted amounts."""


def _kr(amount: Decimal) -> str:
    return number_format(amount, decimal_pos=2, use_l10n=True, force_grouping=True)


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
    if draft.requested_delivery_date < earliest_delivery_date(today=today):
        raise ProcurementError(
            _("The earliest delivery date is %(date)s.")
            % {"date": earliest_delivery_date(today=today).strftime("%d.%m.%Y")}
        )
    quote = bulk_quote(design_counts=draft.design_counts)
    if quote.problems:
        raise ProcurementError(quote.problems)
    sourcing = bulk_sourcing(
        design_counts=draft.design_counts, requested_delivery_date=draft.requested_delivery_date, today=today
    )
    if not sourcing.feasible:
        raise ProcurementError(sourcing_shortfall_text(sourcing))
    items = _quotation_items(sourcing=sourcing, discount_percent=quote.discount_percent)
    items_total = sum((i["unit_net"] * i["quantity"] for i in items), Decimal("0.00"))
    if items_total != quote.total_excl_tax:
        raise ProcurementError(
            f"Quote items add up to {items_total}, the baskets to {quote.total_excl_tax}"
        )
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
                "old": _kr(quotation.total_excl_tax),
                "new": _kr(quote.total_excl_tax),
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


# --- Invoices ------------------------------------------------------------------------------


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
    invoice = Invoice.objects.create(
        number=number,
        kind=Invoice.Kind.INVOICE,
        bulk_order=bulk_order,
        issue_date=issue_date,
        due_date=document.due_date,
        total_excl_tax=document.line_total,
        total_tax=document.tax_amount,
        total_incl_tax=document.total_incl_tax,
        xml=ubl.document_build(document).decode(),
    )
    return invoice


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
    credit_note = Invoice.objects.create(
        number=number,
        kind=Invoice.Kind.CREDIT_NOTE,
        bulk_order=bulk_order,
        credited_invoice=invoice,
        credit_key=key,
        issue_date=issue_date,
        due_date=issue_date,
        total_excl_tax=document.line_total,
        total_tax=document.tax_amount,
        total_incl_tax=document.total_incl_tax,
        xml=ubl.document_build(document).decode(),
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
    from .tasks import invoice_transmit_task

    enqueue_on_commit(invoice_transmit_task, invoice_id)


MAX_TRANSMISSION_ATTEMPTS = 10


@transaction.atomic
def invoice_email_send(*, invoice_id: int) -> Invoice:
    """E-mail the PDF with the UBL XML attached to the organisation's invoice address, once."""
    from django.core.mail import EmailMessage

    from .pdf import invoice_pdf, invoice_pdf_filename

    invoice = (
        Invoice.objects.select_for_update().select_related("bulk_order__organisation").get(pk=invoice_id)
    )
    address = invoice.bulk_order.organisation.invoice_email
    if invoice.emailed_at is not None or not address:
        return invoice
    with translation.override(settings.LANGUAGE_CODE):
        total = number_format(invoice.total_incl_tax, decimal_pos=2, use_l10n=True, force_grouping=True)
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
    xml_name = invoice_pdf_filename(invoice).replace(".pdf", ".xml")
    message.attach(xml_name, invoice.xml.encode(), "application/xml")
    message.send()
    invoice.emailed_at = timezone.now()
    invoice.save(update_fields=["emailed_at"])
    return invoice


@transaction.atomic
def invoice_transmit(*, invoice_id: int, sender=None) -> Invoice:
    """Send one issued document through the configured sender; repeat-safe (a sent one is not resent)."""
    from .transmission import TransmissionError, sender_get

    invoice = Invoice.objects.select_for_update().select_related("bulk_order__location").get(pk=invoice_id)
    if invoice.transmission_status == Invoice.Transmission.SENT:
        return invoice
    sender = sender or sender_get()
    prefix = "kreditnota" if invoice.kind == Invoice.Kind.CREDIT_NOTE else "faktura"
    invoice.transmission_attempts += 1
    try:
        reference = sender.send(
            filename=f"{prefix}-{invoice.number}.xml",
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
            order.set_status(OrderStatus.PAID)
        order_payouts_request(order=order)
    return invoice


# --- Privacy -------------------------------------------------------------------------------


def recipients_anonymise(*, now=None) -> int:
    """Blank recipients' names and addresses a set number of days after delivery."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.PROCUREMENT_ANONYMISE_AFTER_DAYS)
    with transaction.atomic():
        due = Recipient.objects.select_for_update().filter(
            anonymised_at__isnull=True, delivered_at__isnull=False, delivered_at__lte=cutoff
        )
        order_ids = set(due.values_list("bulk_order_id", flat=True))
        count = due.update(
            name=ANONYMISED,
            attention="",
            street="",
            city="",
            phone="",
            email="",
            message="",
            anonymised_at=now,
        )
        for bulk_order in BulkOrder.objects.filter(pk__in=order_ids).select_related(
            "order__shipping_address"
        ):
            if not bulk_order.recipients.filter(anonymised_at__isnull=True).exists():
                bulk_order.anonymised_at = now
                bulk_order.save(update_fields=["anonymised_at"])
                address = bulk_order.order.shipping_address if bulk_order.order is not None else None
                if address is not None and bulk_order.recipients.count() == 1:
                    address.last_name, address.line1, address.line4 = ANONYMISED, "", ""
                    address.save(update_fields=["last_name", "line1", "line4"])
        # Quotes never ordered keep their recipients no longer than that after they expire.
        Quotation.objects.filter(valid_until__lt=timezone.localdate(cutoff)).exclude(draft={}).update(draft={})
    return count

"""Substitution (issue 13.5): declined units no other offer of the product can supply.

When a vendor declines units and `vendor_order_decline` finds no other offer of
the same product that can deliver them, a Substitution row records the units
and the marketplace proposes a substitute: another public product of the same
category whose offers are in the staff's price band (SubstitutionPolicy) and
can supply the units by the vendor order's deliver-by date. Staff or the hub
then confirm it (the proposed product or another candidate) or reject it.

Confirmed: the units are sourced from the substitute's offers by the bulk-order
sourcing rules (stock, then capacity; `supply.sourcing.sourcing_plan`), as
ACTIVE vendor-order rows of the order line with the substitute's stock record.
A cheaper substitute lowers the units' price by the same proportion as the
list prices (rounded to 5 øre incl. VAT, so 25 % VAT stays exact): the rows
carry the reduction, the vendors' subtotals and payouts follow, and the buyer
gets the reduction back — a Stripe refund for a card order, a credit note for
an invoiced bulk order (procurement answers `order_units_substituted`). A
dearer substitute costs the buyer nothing more.

Rejected: the units are not delivered; the buyer gets their full price back
(refund or credit note for the units). Buyer and hub are e-mailed either way.

Reads and writes of one topic live here; the view is in views.py.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from marketplace.errors import RuleViolation
from marketplace.money import five_ore_round, ore_round
from vendors.selectors import user_is_hub_or_staff

from .models import Substitution, SubstitutionPolicy, VendorOrder
from .services import UnitsPart, allocation_place, line_part_amounts
from .signals import order_units_cancelled, order_units_substituted

logger = logging.getLogger(__name__)

Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")

BUSY_STATUSES = (VendorOrder.Status.PACKED, VendorOrder.Status.DELIVERED)


class SubstitutionError(RuleViolation):
    """The substitution cannot be decided as asked (nothing is saved)."""


# --- Reads -----------------------------------------------------------------------------


def original_list_price(line) -> Decimal:
    """The list price excl. VAT of the declined item: its offer's price, else the line's unit price."""
    record = line.stockrecord
    if record is not None and record.price is not None:
        return record.price
    return line.unit_price_excl_tax


def substitute_unit_price(*, line, list_price: Decimal) -> tuple[Decimal, Decimal]:
    """(unit price incl. VAT, unit reduction excl. VAT) of a substitute of ``list_price`` for ``line``.

    The buyer pays the line's unit price times min(1, substitute list price /
    declined item's list price), rounded to 5 øre incl. VAT (so the reduction
    excl. VAT is a whole øre amount with exact 25 % VAT), never more than before.
    """
    paid_incl = line.unit_price_incl_tax
    original = original_list_price(line)
    if not original or list_price >= original:
        return paid_incl, Decimal("0.00")
    new_incl = min(five_ore_round(paid_incl * list_price / original), paid_incl)
    reduction_excl = ore_round((paid_incl - new_incl) / (1 + settings.VAT_RATE))
    return new_incl, reduction_excl


def _category_ids(product) -> list[int]:
    source = product.parent if product.is_child and product.parent_id else product
    return list(source.categories.values_list("pk", flat=True))


def substitute_price_check(*, line, product) -> str | None:
    """Why ``product`` cannot substitute ``line``'s product, or None when it can (the model's rule)."""
    if product.pk == line.product_id:
        return _("A substitute must be another product.")
    if not product.is_public:
        return _("%(product)s is not for sale in the shop.") % {"product": product.get_title()}
    if not set(_category_ids(product)) & set(_category_ids(line.product)):
        return _("%(product)s is not in the same category as %(item)s.") % {
            "product": product.get_title(),
            "item": line.title,
        }
    policy = SubstitutionPolicy.current()
    original = original_list_price(line)
    prices = StockRecord.objects.filter(
        product=product, offer_status=StockRecord.OfferStatus.APPROVED, price__isnull=False
    ).values_list("price", flat=True)
    if not any(policy.allows(original=original, substitute=price) for price in prices):
        return _(
            "No offer of %(product)s is within the price band (%(below)s %% cheaper to %(above)s %% dearer "
            "than %(price)s kr. excl. VAT)."
        ) % {
            "product": product.get_title(),
            "below": policy.below_percent.normalize(),
            "above": policy.above_percent.normalize(),
            "price": original,
        }
    return None


@dataclass
class CandidateOffer:
    stockrecord_id: int
    partner_id: int
    partner_name: str
    price_excl_tax: Decimal
    available: int


@dataclass
class Candidate:
    """A product that could replace the declined units, with what it can supply by the date."""

    product: Any  # catalogue.Product (Oscar loads the model class at run time)
    offers: list[CandidateOffer] = field(default_factory=list)
    unit_price_incl_tax: Decimal = Decimal("0.00")
    refund_per_unit_incl_tax: Decimal = Decimal("0.00")
    needed: int = 0

    @property
    def available(self) -> int:
        return sum(offer.available for offer in self.offers)

    @property
    def enough(self) -> bool:
        return self.available >= self.needed

    @property
    def list_price(self) -> Decimal:
        return min(offer.price_excl_tax for offer in self.offers)


def _need_by(substitution) -> datetime.date:
    today = timezone.localdate()
    return max(substitution.declined_from.deliver_by or today, today)


def _busy_partner_ids(order, declined_from) -> set[int]:
    """Vendors that take no new units of this order: the decliner, and those packed or delivered."""
    return set(
        VendorOrder.objects.filter(order_id=order.pk, status__in=BUSY_STATUSES).values_list(
            "partner_id", flat=True
        )
    ) | {declined_from.partner_id}


def substitute_candidates(*, substitution) -> list[Candidate]:
    """Products of the same category in the price band, best first (a fixed number of queries).

    Best: can supply all units by the date, then the list price nearest the
    declined item's, then the most units, then the title. Only offers in the
    band and of vendors that can still take units count.
    """
    from supply.sourcing import offers_load

    line = substitution.line
    policy = SubstitutionPolicy.current()
    original = original_list_price(line)
    categories = _category_ids(line.product)
    if not categories:
        return []
    products = {
        product.pk: product
        for product in Product.objects.filter(categories__in=categories, is_public=True)
        .exclude(pk=line.product_id)
        .exclude(structure=Product.PARENT)
        .distinct()
    }
    busy = _busy_partner_ids(substitution.order, substitution.declined_from)
    records = {
        record.pk: record
        for record in StockRecord.objects.filter(
            product_id__in=list(products), offer_status=StockRecord.OfferStatus.APPROVED, price__isnull=False
        ).select_related("partner")
    }
    usable = {
        pk: record
        for pk, record in records.items()
        if record.partner_id not in busy and policy.allows(original=original, substitute=record.price)
    }
    today = timezone.localdate()
    need_by = _need_by(substitution)
    supply = offers_load(
        {record.product_id for record in usable.values()},
        today=today,
        exclude_stockrecord_ids=[pk for pk in records if pk not in usable],
    )
    candidates = []
    for product_id, offers in supply.items():
        candidate = Candidate(product=products[product_id], needed=substitution.quantity)
        for offer in offers:
            record = usable[offer.stockrecord_id]
            available = offer.available_by(need_by=need_by, today=today)
            if available > 0:
                candidate.offers.append(
                    CandidateOffer(
                        stockrecord_id=record.pk,
                        partner_id=record.partner_id,
                        partner_name=record.partner.name,
                        price_excl_tax=record.price,
                        available=available,
                    )
                )
        if not candidate.offers:
            continue
        unit_incl, reduction_excl = substitute_unit_price(line=line, list_price=candidate.list_price)
        candidate.unit_price_incl_tax = unit_incl
        candidate.refund_per_unit_incl_tax = line.unit_price_incl_tax - unit_incl
        candidates.append(candidate)
    candidates.sort(
        key=lambda c: (not c.enough, abs(c.list_price - original), -c.available, c.product.get_title())
    )
    return candidates


def substitutions_visible(*, user):
    """Staff and the hub's users see every substitution; nobody else any."""
    qs = Substitution.objects.select_related(
        "order", "line", "product", "declined_from", "declined_from__partner", "decided_by"
    )
    if user_is_hub_or_staff(user=user):
        return qs
    return qs.none()


# --- Writes ----------------------------------------------------------------------------


def substitutions_open(*, vendor_order, unsourced: dict[int, int], reason: str) -> list[Substitution]:
    """Record declined units no other offer could supply, each with the best substitute proposed.

    Called inside the decline's transaction. The proposal is only a suggestion:
    nothing is allocated until staff or the hub confirm.
    """
    made = []
    for line_id, units in sorted(unsourced.items()):
        substitution = Substitution.objects.create(
            order_id=vendor_order.order_id,
            line_id=line_id,
            declined_from=vendor_order,
            quantity=units,
            reason=reason,
        )
        best = next((c for c in substitute_candidates(substitution=substitution) if c.enough), None)
        if best is not None:
            substitution.product = best.product
            substitution.save(update_fields=["product"])
        made.append(substitution)
    if made:
        transaction.on_commit(partial(_notify, substitution_ids=[s.pk for s in made], event="opened"))
    return made


def _lock_open(substitution_id: int) -> Substitution:
    substitution = (
        Substitution.objects.select_for_update(of=("self",))
        .select_related("order", "line", "line__product", "line__stockrecord", "declined_from")
        .get(pk=substitution_id)
    )
    if substitution.status != Substitution.Status.OPEN:
        raise SubstitutionError(
            _("This substitution was already decided (%(status)s).")
            % {"status": substitution.get_status_display()}
        )
    return substitution


def substitution_confirm(*, substitution_id: int, user, product_id: int | None = None) -> Substitution:
    """Deliver the declined units as ``product`` (default: the proposed one); the money follows.

    In one transaction: the substitute's offers (locked) are planned by the
    sourcing rules within the price band, stock allocated and capacity promised
    (reference ``substitution:<pk>``, tied to the order), ACTIVE rows made on
    the delivering vendors' vendor orders with the price reduction, subtotals
    and payouts recomputed, and the reduction returned to the buyer (refund or
    credit note). Refused (SubstitutionError, nothing saved) when it is not
    open, the product is not a valid substitute, or its offers cannot supply
    all units by the date.
    """
    from supply.services import CapacityExhausted, capacity_reserve
    from supply.sourcing import sourcing_plan

    from . import services

    if not user_is_hub_or_staff(user=user):
        raise PermissionError("Only staff or the hub confirm substitutes")
    with transaction.atomic():
        substitution = _lock_open(substitution_id)
        line, order = substitution.line, substitution.order
        product_id = product_id or substitution.product_id
        if product_id is None:
            raise SubstitutionError(_("Choose a substitute product."))
        product = Product.objects.filter(pk=product_id).first()
        if product is None:
            raise SubstitutionError(_("Choose a substitute product."))
        error = substitute_price_check(line=line, product=product)
        if error:
            raise SubstitutionError(error)
        policy = SubstitutionPolicy.current()
        original = original_list_price(line)
        busy = _busy_partner_ids(order, substitution.declined_from)
        records = {
            record.pk: record
            for record in StockRecord.objects.select_for_update().filter(product=product).order_by("pk")
        }
        excluded = [
            pk
            for pk, record in records.items()
            if record.partner_id in busy
            or record.price is None
            or not policy.allows(original=original, substitute=record.price)
        ]
        today = timezone.localdate()
        need_by = _need_by(substitution)
        plan = sourcing_plan(
            {product.pk: substitution.quantity},
            need_by=need_by,
            today=today,
            exclude_stockrecord_ids=excluded,
        )
        item = plan.items[product.pk]
        if item.shortfall:
            raise SubstitutionError(
                _(
                    "Only %(units)s of the %(needed)s units of %(product)s can be had by %(date)s. "
                    "Choose another substitute or reject."
                )
                % {
                    "units": item.sourced,
                    "needed": substitution.quantity,
                    "product": product.get_title(),
                    "date": need_by.strftime("%d.%m.%Y"),
                }
            )
        try:
            capacity_reserve(plan=plan, reference=f"substitution:{substitution.pk}", order=order)
        except CapacityExhausted as exc:
            raise SubstitutionError(
                _("Another order took the capacity meanwhile; nothing was changed. Please try again.")
            ) from exc
        refund_incl, refund_excl = Decimal("0.00"), Decimal("0.00")
        targets: dict[int, VendorOrder] = {}
        for allocation in item.allocations:
            record = records[allocation.stockrecord_id]
            unit_incl, unit_reduction_excl = substitute_unit_price(line=line, list_price=record.price)
            units = allocation.units
            row_incl = (line.unit_price_incl_tax - unit_incl) * units
            row_excl = unit_reduction_excl * units
            part = UnitsPart(
                line_id=line.pk,
                quantity=units,
                substitution_id=substitution.pk,
                reduction_incl_tax=row_incl,
                reduction_excl_tax=row_excl,
            )
            allocation_place(
                order=order,
                record=record,
                from_stock=allocation.from_stock,
                parts=[part],
                deliver_by=substitution.declined_from.deliver_by,
                vendor_orders=targets,
            )
            refund_incl += row_incl
            refund_excl += row_excl
        services.vendor_orders_recompute(order_id=order.pk)
        substitution.product = product
        substitution.status = Substitution.Status.CONFIRMED
        substitution.refund_incl_tax, substitution.refund_excl_tax = refund_incl, refund_excl
        substitution.decided_by, substitution.decided_at = user, timezone.now()
        substitution.save()
        if refund_incl > 0:
            _money_back(
                substitution=substitution,
                amount_incl=refund_incl,
                reason=_("Substitute %(product)s is cheaper") % {"product": product.get_title()},
            )
        services.order_payouts_release_enqueue(order_id=order.pk)
        transaction.on_commit(partial(_notify, substitution_ids=[substitution.pk], event="confirmed"))
    return substitution


def substitution_reject(*, substitution_id: int, user, note: str = "") -> Substitution:
    """The units are not delivered: the buyer gets their full price back (refund or credit note)."""
    if not user_is_hub_or_staff(user=user):
        raise PermissionError("Only staff or the hub reject substitutes")
    note = (note or "").strip()
    if not note:
        raise SubstitutionError(_("Say why no substitute is sent: the buyer is told."))
    with transaction.atomic():
        substitution = _lock_open(substitution_id)
        line = substitution.line
        amount_incl, amount_excl = (
            line_part_amounts(
                line_price=price, line_quantity=line.quantity, quantities=[substitution.quantity]
            )[0]
            for price in (line.line_price_incl_tax, line.line_price_excl_tax)
        )
        substitution.status = Substitution.Status.REJECTED
        substitution.note = note[:2000]
        substitution.refund_incl_tax, substitution.refund_excl_tax = amount_incl, amount_excl
        substitution.decided_by, substitution.decided_at = user, timezone.now()
        substitution.save()
        _money_back(substitution=substitution, amount_incl=amount_incl, reason=note, whole_units=True)
        transaction.on_commit(partial(_notify, substitution_ids=[substitution.pk], event="rejected"))
    return substitution


def _money_back(*, substitution, amount_incl: Decimal, reason: str, whole_units: bool = False) -> None:
    """A card order is refunded at Stripe; an invoiced order gets a credit note (procurement's receivers)."""
    from fulfilment import selectors
    from payments.services import RefundError, order_refundable_amount, payment_refund_create

    order = substitution.order
    if selectors.order_charge_id(order=order):
        amount = min(amount_incl, order_refundable_amount(order=order))
        if amount > 0:
            try:
                payment_refund_create(
                    order=order, amount=amount, token=f"substitution-{substitution.pk}", reason=reason
                )
            except RefundError as exc:
                raise SubstitutionError(str(exc)) from exc
        return
    if whole_units:
        order_units_cancelled.send(
            sender=Substitution,
            order=order,
            lines={substitution.line_id: substitution.quantity},
            key=f"substitution:{substitution.pk}",
        )
    else:
        order_units_substituted.send(sender=Substitution, order=order, substitution=substitution)


def _notify(*, substitution_ids: list[int], event: str) -> None:
    from .emails import substitution_send

    try:
        substitution_send(substitution_ids=substitution_ids, event=event)
    except Exception:  # noqa: BLE001 - the decision stands; staff see it on the substitutions page
        logger.exception("Could not e-mail substitutions %s (%s)", substitution_ids, event)


def substitution_policy_set(*, below_percent: Decimal, above_percent: Decimal, user) -> SubstitutionPolicy:
    if not (user.is_active and user.is_staff):
        raise PermissionError("Only staff set the price band")
    policy = SubstitutionPolicy.current()
    policy.below_percent, policy.above_percent, policy.updated_by = below_percent, above_percent, user
    policy.full_clean()
    policy.save()
    return policy

"""Decline and re-sourcing (issue 13.5): a vendor declines units, other vendors' offers take them."""

from collections import defaultdict

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from marketplace.errors import RuleViolation
from payments.gateway import to_ore as amount_in_ore

from ..models import VendorOrder, VendorOrderLine
from .amounts import vendor_orders_recompute
from .cancellation import _units_wanted
from .payouts import _vendor_order_payout_cancel, order_payouts_release_enqueue, vendor_order_payout_reverse
from .placing import UnitsPart, allocation_place


class DeclineError(RuleViolation):
    """A decline that cannot be made: no reason, packed already, more units than the vendor has."""


def vendor_order_decline(
    *, vendor_order_id: int, user, lines: dict[int, int] | None = None, reason: str
) -> dict:
    """A vendor declines its vendor order or some units of it; the units are re-sourced.

    Refused without a reason, for another vendor's vendor order, once packed,
    or for more units than the vendor order has (nothing is saved then). The
    declined units get a "declined" row with the reason and their stock
    allocation back. The declined units are then sourced from the other offers
    of the same product by the sourcing rules of bulk orders
    (`supply.sourcing.sourcing_plan`: free stock first, then capacity ready by
    the vendor order's deliver-by date, spread fairly), on those vendors'
    vendor orders of the order (made when missing): stock allocated for the
    units from stock, capacity promised (`capacity_reserve`) for the units to
    be made. The buyer keeps paying the order line's price; the new
    vendor is paid the line's unit price for its units. Returns {"resourced":
    {line id: [(partner id, units)]}, "unsourced": {line id: units}} — the
    unsourced units get a Substitution each (fulfilment.substitution), with the
    best substitute proposed, for staff or the hub to confirm.
    """
    reason = (reason or "").strip()
    if not reason:
        raise DeclineError(_("Say why you decline: a reason is required."))
    StockRecord = get_model("partner", "StockRecord")
    with transaction.atomic():
        vendor_order = VendorOrder.objects.select_for_update().select_related("order").get(pk=vendor_order_id)
        if not user.is_staff and not user.partners.filter(pk=vendor_order.partner_id).exists():
            raise PermissionError("Only the vendor of this vendor order (or staff) can decline it")
        if vendor_order.status not in (VendorOrder.Status.NEW, VendorOrder.Status.ACCEPTED):
            raise DeclineError(
                _("A vendor order that is %(status)s can no longer be declined.")
                % {"status": vendor_order.get_status_display()}
            )
        order = vendor_order.order
        rows = list(
            VendorOrderLine.objects.select_for_update()
            .filter(vendor_order=vendor_order, status=VendorOrderLine.Status.ACTIVE)
            .select_related("line")
            .order_by("line_id", "-pk")
        )
        by_line, wanted = _units_wanted(rows, lines)
        if not wanted:
            raise DeclineError(_("Nothing to decline."))
        for line_id, units in wanted.items():
            left = sum(r.quantity for r in by_line.get(line_id, ()))
            if units < 0 or units > left:
                raise DeclineError(
                    _("Line %(line)s: %(units)s units cannot be declined, this vendor has %(left)s.")
                    % {"line": line_id, "units": units, "left": left}
                )
        released: dict[int, int] = defaultdict(int)
        line_of = {}
        for line_id, units in wanted.items():
            for row in by_line[line_id]:
                if units == 0:
                    break
                line_of[line_id] = row.line
                take = min(units, row.quantity)
                units -= take
                stockrecord_id = row.stockrecord_id or row.line.stockrecord_id
                if stockrecord_id:
                    released[stockrecord_id] += take
                if take == row.quantity:
                    row.status, row.reason = VendorOrderLine.Status.DECLINED, reason
                    row.save(update_fields=["status", "reason", "updated_at"])
                else:
                    row.quantity -= take
                    row.save(update_fields=["quantity", "updated_at"])
                    VendorOrderLine.objects.create(
                        vendor_order=vendor_order,
                        line_id=line_id,
                        stockrecord_id=row.stockrecord_id,
                        quantity=take,
                        status=VendorOrderLine.Status.DECLINED,
                        reason=reason,
                    )
        for record in StockRecord.objects.filter(pk__in=list(released)).order_by("pk"):
            record.cancel_allocation(released[record.pk])
        resourced, unsourced = _declined_units_resource(
            vendor_order=vendor_order, wanted=wanted, line_of=line_of
        )
        if unsourced:
            from ..substitution import substitutions_open

            substitutions_open(vendor_order=vendor_order, unsourced=unsourced, reason=reason)
        changes = vendor_orders_recompute(order_id=order.pk)
        if not VendorOrderLine.objects.filter(
            vendor_order=vendor_order, status=VendorOrderLine.Status.ACTIVE
        ).exists():
            vendor_order.refresh_from_db()
            vendor_order.status = VendorOrder.Status.CANCELLED
            vendor_order.save(update_fields=["status", "updated_at"])
            _vendor_order_payout_cancel(vendor_order=vendor_order)
        elif vendor_order.pk in changes and vendor_order.payout_state == VendorOrder.PayoutState.SENT:
            old, new = changes[vendor_order.pk]
            vendor_order_payout_reverse(vendor_order_id=vendor_order.pk, amount_ore=amount_in_ore(old - new))
        # New vendors' payouts go when the order is paid (the usual rule); sent ones stay as they are.
        order_payouts_release_enqueue(order_id=order.pk)
    return {"resourced": dict(resourced), "unsourced": unsourced}


def _declined_units_resource(*, vendor_order, wanted: dict[int, int], line_of: dict):
    """Source declined {order line id: units} from other vendors' offers; returns (resourced, unsourced).

    The offers of the products are locked (stock record order) before the plan is made, so the
    free stock the plan counts on is still free when it is allocated. Vendors whose part of the
    order is packed or delivered take no new units. The capacity is promised under the reference
    ``decline:<vendor order>:<first declined row>`` (one per decline, so a later decline never
    replaces it), tied to the order so a cancellation gives it back.
    """
    from supply.services import CapacityExhausted, capacity_reserve
    from supply.sourcing import sourcing_plan

    StockRecord = get_model("partner", "StockRecord")
    order = vendor_order.order
    products = {line_id: line_of[line_id].product_id for line_id in wanted}
    demand: dict[int, int] = defaultdict(int)
    for line_id, units in wanted.items():
        demand[products[line_id]] += units
    locked = StockRecord.objects.select_for_update().filter(product_id__in=list(demand)).order_by("pk")
    records = {record.pk: record for record in locked}
    busy_partners = set(
        VendorOrder.objects.filter(order_id=order.pk)
        .exclude(status__in=[VendorOrder.Status.NEW, VendorOrder.Status.ACCEPTED])
        .values_list("partner_id", flat=True)
    ) | {vendor_order.partner_id}
    excluded = [pk for pk, record in records.items() if record.partner_id in busy_partners]
    today = timezone.localdate()
    need_by = max(vendor_order.deliver_by or today, today)
    plan = sourcing_plan(dict(demand), need_by=need_by, today=today, exclude_stockrecord_ids=excluded)
    first_declined = (
        VendorOrderLine.objects.filter(vendor_order=vendor_order, status=VendorOrderLine.Status.DECLINED)
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
    )
    try:
        capacity_reserve(plan=plan, reference=f"decline:{vendor_order.pk}:{first_declined}", order=order)
    except CapacityExhausted as exc:
        raise DeclineError(
            _("Another order took the capacity meanwhile; nothing was declined. Please try again.")
        ) from exc
    resourced: dict[int, list[tuple[int, int]]] = defaultdict(list)
    unsourced: dict[int, int] = {}
    targets: dict[int, VendorOrder] = {}
    for product_id, item in plan.items.items():
        line_ids = sorted(line_id for line_id in wanted if products[line_id] == product_id)
        needs = {line_id: wanted[line_id] for line_id in line_ids}
        for allocation in item.allocations:
            record = records[allocation.stockrecord_id]
            left, parts = allocation.units, []
            for line_id in line_ids:
                take = min(left, needs[line_id])
                if not take:
                    continue
                parts.append(UnitsPart(line_id=line_id, quantity=take))
                resourced[line_id].append((record.partner_id, take))
                needs[line_id] -= take
                left -= take
            allocation_place(
                order=order,
                record=record,
                from_stock=allocation.from_stock,
                parts=parts,
                deliver_by=vendor_order.deliver_by,
                vendor_orders=targets,
            )
        unsourced.update({line_id: units for line_id, units in needs.items() if units})
    return dict(resourced), unsourced

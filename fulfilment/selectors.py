"""Reads: who may see which vendor order, pick lists, the hub's assembly plan, held payouts.

Every read here runs a fixed number of queries, whatever the number of lines.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from oscar.core.loading import get_model

from vendors.models import VendorOrder, VendorProfile

Line = get_model("order", "Line")
PaymentEvent = get_model("order", "PaymentEvent")

GIFT_BASKET_OPTION_CODE = "gift-basket"


# --- Who sees what -----------------------------------------------------------------


def user_is_vendor(*, user) -> bool:
    return bool(
        user.is_authenticated and user.has_perm("partner.dashboard_access") and user.partners.exists()
    )


def vendor_orders_visible(*, user) -> QuerySet:
    """Staff see every vendor order; a vendor user only those of its own partners."""
    qs = VendorOrder.objects.select_related("order", "partner", "partner__vendor_profile")
    if user.is_staff:
        return qs
    if not user_is_vendor(user=user):
        return qs.none()
    return qs.filter(partner__in=user.partners.all())


def hub_profile() -> VendorProfile | None:
    return VendorProfile.objects.filter(is_hub=True).select_related("partner").order_by("pk").first()


def user_is_hub(*, user) -> bool:
    return user_is_vendor(user=user) and user.partners.filter(vendor_profile__is_hub=True).exists()


# --- Gift-basket grouping ------------------------------------------------------------


@dataclass
class BasketGroup:
    """One gift basket (or N identical ones) in an order, as the fulfilment pages need it."""

    reference: str
    name: str
    quantity: int
    gift_message: str
    lines: list

    def per_basket_quantity(self, line) -> int:
        return (
            line.quantity // self.quantity
            if self.quantity and line.quantity % self.quantity == 0
            else line.quantity
        )


def order_basket_groups(*, order, lines=None) -> tuple[list[BasketGroup], list]:
    """(gift baskets, loose lines) of an order.

    Uses the composer's `baskets.selectors.order_gift_basket_groups` when it is
    installed; otherwise groups by the "gift-basket" line attribute alone.
    """
    try:
        from baskets.selectors import order_gift_basket_groups
    except ImportError:
        order_gift_basket_groups = None

    if lines is None:
        lines = list(
            order.lines.select_related("product", "partner").prefetch_related("attributes").order_by("pk")
        )
    if order_gift_basket_groups is not None:
        groups = [
            BasketGroup(
                reference=g.reference,
                name=g.name,
                quantity=g.quantity,
                gift_message=g.gift_message,
                lines=g.lines,
            )
            for g in order_gift_basket_groups(order=order)
        ]
    else:
        by_reference: dict[str, list] = defaultdict(list)
        for line in lines:
            for attribute in line.attributes.all():
                if attribute.type == GIFT_BASKET_OPTION_CODE:
                    by_reference[attribute.value].append(line)
        groups = [
            BasketGroup(reference=ref, name=ref, quantity=1, gift_message="", lines=group_lines)
            for ref, group_lines in by_reference.items()
        ]
    grouped_ids = {line.pk for group in groups for line in group.lines}
    loose = [line for line in lines if line.pk not in grouped_ids]
    return groups, loose


# --- Pick list -------------------------------------------------------------------------


@dataclass
class PickRow:
    title: str
    sku: str
    quantity: int = 0
    # (basket name, quantity per basket, number of baskets)
    baskets: list[tuple[str, int, int]] = field(default_factory=list)
    loose: int = 0


@dataclass
class PickList:
    vendor_order: VendorOrder
    rows: list[PickRow]
    deliver_to: VendorProfile | None
    deliver_by: date | None
    ships_direct: bool

    @property
    def total_quantity(self) -> int:
        return sum(row.quantity for row in self.rows)


def vendor_order_pick_list(*, vendor_order: VendorOrder) -> PickList:
    """What the vendor picks: each product once with its total, and which gift baskets it goes into."""
    order = vendor_order.order
    lines = list(
        order.lines.select_related("product", "partner").prefetch_related("attributes").order_by("pk")
    )
    own_ids = set(vendor_order.lines.values_list("pk", flat=True))
    groups, loose = order_basket_groups(order=order, lines=lines)
    basket_of: dict[int, BasketGroup] = {}
    for group in groups:
        for line in group.lines:
            basket_of[line.pk] = group

    rows: dict[str, PickRow] = {}
    for line in lines:
        if line.pk not in own_ids:
            continue
        key = line.partner_sku or line.upc or str(line.product_id)
        row = rows.setdefault(key, PickRow(title=line.title, sku=line.partner_sku))
        row.quantity += line.quantity
        group = basket_of.get(line.pk)
        if group is None:
            row.loose += line.quantity
        else:
            row.baskets.append((group.name, group.per_basket_quantity(line), group.quantity))
    hub = hub_profile()
    is_hub = hub is not None and hub.partner_id == vendor_order.partner_id
    return PickList(
        vendor_order=vendor_order,
        rows=sorted(rows.values(), key=lambda r: r.title),
        deliver_to=hub,
        deliver_by=vendor_order.deliver_by,
        ships_direct=is_hub or hub is None,
    )


def pick_list_csv_rows(*, pick_list: PickList) -> list[list[str]]:
    """The pick list as CSV rows: one row per product and gift basket (loose items on their own row)."""
    vo = pick_list.vendor_order
    deliver_to = pick_list.deliver_to
    where = (
        f"{deliver_to.partner.name}, {deliver_to.street}, {deliver_to.postcode} {deliver_to.city}"
        if deliver_to
        else ""
    )
    rows = [
        [
            _("Order"),
            _("SKU"),
            _("Product"),
            _("Gift basket"),
            _("Quantity per basket"),
            _("Number of baskets"),
            _("Quantity"),
            _("Deliver by"),
            _("Deliver to"),
        ]
    ]
    deliver_by = pick_list.deliver_by.isoformat() if pick_list.deliver_by else ""
    for row in pick_list.rows:
        for name, per_basket, count in row.baskets:
            rows.append(
                [
                    vo.order.number,
                    row.sku,
                    row.title,
                    name,
                    str(per_basket),
                    str(count),
                    str(per_basket * count),
                    deliver_by,
                    where,
                ]
            )
        if row.loose:
            rows.append([vo.order.number, row.sku, row.title, "", "", "", str(row.loose), deliver_by, where])
    return rows


# --- Assembly plan for the hub ------------------------------------------------------------


@dataclass
class AssemblyItem:
    title: str
    vendor: str
    per_basket: int
    quantity: int
    vendor_order_status: str


@dataclass
class AssemblyBasket:
    name: str
    quantity: int
    gift_message: str
    items: list[AssemblyItem]


@dataclass
class AssemblyPlan:
    order: object
    baskets: list[AssemblyBasket]
    loose: list[AssemblyItem]
    address: object
    vendor_orders: list[VendorOrder]


def order_assembly_plan(*, order) -> AssemblyPlan:
    """Per gift basket: which item comes from which vendor, the gift message and where it goes."""
    lines = list(
        order.lines.select_related("product", "partner").prefetch_related("attributes").order_by("pk")
    )
    vendor_orders = list(
        VendorOrder.objects.filter(order=order).select_related("partner").order_by("partner__name")
    )
    status_by_partner = {vo.partner_id: vo.get_status_display() for vo in vendor_orders}
    groups, loose = order_basket_groups(order=order, lines=lines)

    def item(line, per_basket):
        return AssemblyItem(
            title=line.title,
            vendor=line.partner_name,
            per_basket=per_basket,
            quantity=line.quantity,
            vendor_order_status=status_by_partner.get(line.partner_id, ""),
        )

    baskets = [
        AssemblyBasket(
            name=group.name,
            quantity=group.quantity,
            gift_message=group.gift_message,
            items=[item(line, group.per_basket_quantity(line)) for line in group.lines],
        )
        for group in groups
    ]
    return AssemblyPlan(
        order=order,
        baskets=baskets,
        loose=[item(line, line.quantity) for line in loose],
        address=order.shipping_address,
        vendor_orders=vendor_orders,
    )


# --- Payments and payouts -------------------------------------------------------------


def order_charge_id(*, order) -> str | None:
    """The Stripe charge that paid `order` by card, or None (invoice, or not paid yet).

    Checkout records a card payment as an Oscar payment event whose reference
    is the charge id (payments.services._order_place).
    """
    return (
        PaymentEvent.objects.filter(order=order, reference__startswith="ch_")
        .order_by("date_created")
        .values_list("reference", flat=True)
        .first()
    )


def order_for_charge(*, charge_id: str):
    event = PaymentEvent.objects.filter(reference=charge_id).select_related("order").first()
    return event.order if event else None


def payouts_held() -> QuerySet:
    return (
        VendorOrder.objects.filter(payout_state=VendorOrder.PayoutState.HELD)
        .select_related("order", "partner", "partner__vendor_profile")
        .order_by("partner__name", "created_at")
    )


def payouts_summary() -> dict[str, Decimal]:
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for state, amount in VendorOrder.objects.values_list("payout_state", "payout_amount"):
        totals[state] += amount
    return dict(totals)


def vendor_orders_search(*, qs: QuerySet, query: str = "", status: str = "") -> QuerySet:
    if query:
        qs = qs.filter(Q(order__number__icontains=query) | Q(partner__name__icontains=query))
    if status:
        qs = qs.filter(status=status)
    return qs

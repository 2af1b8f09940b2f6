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

from baskets.models import GIFT_BASKET_OPTION_CODE, GiftBasketGroup
from vendors.models import VendorProfile
from vendors.selectors import vendor_for_user

from .models import VendorOrder, VendorOrderLine

Line = get_model("order", "Line")
LineAttribute = get_model("order", "LineAttribute")
PaymentEvent = get_model("order", "PaymentEvent")


# --- Who sees what -----------------------------------------------------------------


def user_is_vendor(*, user) -> bool:
    """One access policy: an approved vendor's user with dashboard access (vendors.selectors)."""
    return vendor_for_user(user=user) is not None


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


# --- Gift-basket grouping ------------------------------------------------------------


@dataclass
class OrderLine:
    """The few fields of an order line that pick lists and the assembly plan need."""

    pk: int
    partner_id: int | None
    partner_name: str
    partner_sku: str
    upc: str
    title: str
    quantity: int


@dataclass
class BasketGroup:
    """One gift basket (or N identical ones) in an order, as the fulfilment pages need it."""

    reference: str
    name: str
    quantity: int
    gift_message: str
    lines: list[OrderLine] = field(default_factory=list)

    def per_basket_quantity(self, line) -> int:
        if self.quantity and line.quantity % self.quantity == 0:
            return line.quantity // self.quantity
        return line.quantity


@dataclass
class LinePart:
    """The active units of one order line that one vendor order delivers (a VendorOrderLine)."""

    vendor_order_id: int
    partner_id: int
    partner_name: str
    sku: str
    quantity: int
    # The product delivered when it is a substitute for the line's product, else "".
    substitute_title: str = ""


@dataclass
class OrderBaskets:
    lines: list[OrderLine]
    groups: list[BasketGroup]
    loose: list[OrderLine]
    group_of: dict[int, BasketGroup]
    # {line id: its active parts}; a line no vendor delivers any more (cancelled) has none.
    parts: dict[int, list[LinePart]] = field(default_factory=dict)

    def basket_split(self, line, quantity: int) -> tuple[int, int]:
        """(units per basket, number of baskets) for `quantity` units of `line` in its gift basket.

        A line of 500 baskets delivered by vendors A 200 and B 300 (or an
        Oscar line per offer, 200 of 500 baskets) gives A (1, 200): units per
        basket come from the basket's composition, not from one part.
        """
        group = self.group_of[line.pk]
        if group.quantity and quantity % group.quantity == 0:
            return quantity // group.quantity, group.quantity
        key = line.partner_sku or line.upc or line.title
        product_total = sum(
            other.quantity for other in group.lines if (other.partner_sku or other.upc or other.title) == key
        )
        if group.quantity and product_total % group.quantity == 0:
            per_basket = product_total // group.quantity
            if per_basket and quantity % per_basket == 0:
                return per_basket, quantity // per_basket
        return quantity, 1


def _gift_basket_groups_info(references) -> dict[str, tuple[str, int, str]]:
    """{reference: (name, number of baskets, gift message)} from the composer's GiftBasketGroup."""
    return {
        ref: (name, quantity, message)
        for ref, name, quantity, message in GiftBasketGroup.objects.filter(
            reference__in=list(references)
        ).values_list("reference", "name", "quantity", "gift_message")
    }


def order_baskets(*, order) -> OrderBaskets:
    """The order's lines grouped into gift baskets, in four queries whatever the size.

    Lines of one gift basket share the value of the "gift-basket" line option
    (the composer's convention, see baskets.selectors.order_gift_basket_groups);
    name, number of baskets and gift message come from the composer's
    GiftBasketGroup. Rows are read as plain values: a 4,000-line municipal
    order would otherwise build tens of thousands of model instances.
    """
    lines = [
        OrderLine(*row)
        for row in Line.objects.filter(order_id=order.pk)
        .order_by("pk")
        .values_list("pk", "partner_id", "partner_name", "partner_sku", "upc", "title", "quantity")
    ]
    # By the line ids just read: a join on order_id lets a planner with stale
    # statistics (a freshly bulk-inserted order) pick a quadratic nested loop.
    reference_of = dict(
        LineAttribute.objects.filter(
            line_id__in=[line.pk for line in lines], type=GIFT_BASKET_OPTION_CODE
        ).values_list("line_id", "value")
    )
    info = _gift_basket_groups_info(set(reference_of.values())) if reference_of else {}
    parts: dict[int, list[LinePart]] = defaultdict(list)
    for vo_id, line_id, partner_id, partner_name, sku, quantity, substitution_id, product_title in (
        VendorOrderLine.objects.filter(
            line_id__in=[line.pk for line in lines], status=VendorOrderLine.Status.ACTIVE
        )
        .order_by("pk")
        .values_list(
            "vendor_order_id",
            "line_id",
            "vendor_order__partner_id",
            "vendor_order__partner__name",
            "stockrecord__partner_sku",
            "quantity",
            "substitution_id",
            "stockrecord__product__title",
        )
    ):
        substitute = (product_title or "") if substitution_id else ""
        parts[line_id].append(LinePart(vo_id, partner_id, partner_name, sku or "", quantity, substitute))
    groups: dict[str, BasketGroup] = {}
    loose = []
    group_of = {}
    for line in lines:
        reference = reference_of.get(line.pk)
        if reference is None:
            loose.append(line)
            continue
        group = groups.get(reference)
        if group is None:
            name, quantity, message = info.get(reference, (reference, 1, ""))
            group = groups[reference] = BasketGroup(
                reference=reference, name=name, quantity=quantity, gift_message=message
            )
        group.lines.append(line)
        group_of[line.pk] = group
    return OrderBaskets(
        lines=lines, groups=list(groups.values()), loose=loose, group_of=group_of, parts=dict(parts)
    )


# --- Pick list -------------------------------------------------------------------------


@dataclass
class PickRow:
    title: str
    sku: str
    quantity: int = 0
    # (basket name, quantity per basket, number of baskets)
    baskets: list[tuple[str, int, int]] = field(default_factory=list)
    loose: int = 0

    @property
    def basket_summary(self) -> list[tuple[int, int, str]]:
        """[(quantity per basket, number of baskets, basket names)]: one entry per quantity."""
        by_quantity: dict[int, list] = defaultdict(list)
        for name, per_basket, count in self.baskets:
            by_quantity[per_basket].append((name, count))
        return [
            (per_basket, sum(count for _name, count in entries), ", ".join(name for name, _count in entries))
            for per_basket, entries in sorted(by_quantity.items())
        ]


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


def vendor_order_pick_list(*, vendor_order: VendorOrder, baskets: OrderBaskets | None = None) -> PickList:
    """What the vendor picks: each product once with its total, and which gift baskets it goes into.

    Counts the vendor order's ACTIVE vendor-order lines: cancelled or declined
    units are not on it, units re-sourced from this vendor are.

    Pass `baskets` (order_baskets of the order) when making several pick lists of one order.
    """
    if baskets is None:
        baskets = order_baskets(order=vendor_order.order)
    rows: dict[str, PickRow] = {}
    for line in baskets.lines:
        for part in baskets.parts.get(line.pk, ()):
            if part.vendor_order_id != vendor_order.pk:
                continue
            sku = part.sku or line.partner_sku
            key = sku or line.upc or line.title
            row = rows.setdefault(key, PickRow(title=part.substitute_title or line.title, sku=sku))
            row.quantity += part.quantity
            group = baskets.group_of.get(line.pk)
            if group is None:
                row.loose += part.quantity
            else:
                per_basket, count = baskets.basket_split(line, part.quantity)
                row.baskets.append((group.name, per_basket, count))
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
        if deliver_to and not pick_list.ships_direct
        else _("Ship to the buyer")
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


def order_assembly_plan(*, order, baskets: OrderBaskets | None = None) -> AssemblyPlan:
    """Per gift basket: which item comes from which vendor, the gift message and where it goes."""
    if baskets is None:
        baskets = order_baskets(order=order)
    vendor_orders = list(
        VendorOrder.objects.filter(order=order).select_related("partner").order_by("partner__name")
    )
    status_of = {vo.pk: vo.get_status_display() for vo in vendor_orders}

    def items(line, grouped):
        """One item per vendor delivering active units of the line; none when all were cancelled."""
        result = []
        for part in baskets.parts.get(line.pk, ()):
            per_basket = baskets.basket_split(line, part.quantity)[0] if grouped else part.quantity
            result.append(
                AssemblyItem(
                    title=(
                        _("%(substitute)s (instead of %(item)s)")
                        % {"substitute": part.substitute_title, "item": line.title}
                        if part.substitute_title
                        else line.title
                    ),
                    vendor=part.partner_name,
                    per_basket=per_basket,
                    quantity=part.quantity,
                    vendor_order_status=status_of.get(part.vendor_order_id, ""),
                )
            )
        return result

    return AssemblyPlan(
        order=order,
        baskets=[
            AssemblyBasket(
                name=group.name,
                quantity=group.quantity,
                gift_message=group.gift_message,
                items=[item for line in group.lines for item in items(line, True)],
            )
            for group in baskets.groups
        ],
        loose=[item for line in baskets.loose for item in items(line, False)],
        address=order.shipping_address,
        vendor_orders=vendor_orders,
    )


# --- Payments and payouts -------------------------------------------------------------


def order_charge_id(*, order) -> str | None:
    """The Stripe charge that paid `order` by card, or None (invoice, or not paid yet).

    Checkout records a card payment as an Oscar payment event whose reference
    is the charge id (payments.services.orders._order_place).
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


def order_cancellable_rows(*, order) -> list[dict]:
    """Per order line: the units still active, how many of them are packed (or sent), and vendors.

    Staff may cancel the active units that are not packed; packed ones need the vendor told first.
    """
    packed_statuses = {VendorOrder.Status.PACKED, VendorOrder.Status.DELIVERED}
    rows: dict[int, dict] = {}
    for line_id, title, sku, quantity, vendor, status in (
        VendorOrderLine.objects.filter(vendor_order__order=order, status=VendorOrderLine.Status.ACTIVE)
        .order_by("line_id", "pk")
        .values_list(
            "line_id",
            "line__title",
            "line__partner_sku",
            "quantity",
            "vendor_order__partner__name",
            "vendor_order__status",
        )
    ):
        row = rows.setdefault(
            line_id,
            {"line_id": line_id, "title": title, "sku": sku, "active": 0, "packed": 0, "vendors": []},
        )
        row["active"] += quantity
        if status in packed_statuses:
            row["packed"] += quantity
        if vendor not in row["vendors"]:
            row["vendors"].append(vendor)
    for row in rows.values():
        row["cancellable"] = row["active"] - row["packed"]
    return list(rows.values())

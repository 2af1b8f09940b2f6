"""Reads for bulk ordering: who may see what, quotes, manifests and the impact report."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.db.models import Q, Sum
from django.db.models.functions import ExtractYear
from django.http import Http404
from django.utils import timezone
from oscar.core.loading import get_model

from baskets.models import BasketDesign
from baskets.selectors import design_summary, published_designs
from marketplace.order_status import LineStatus
from marketplace.oscar_apps.partner.strategy import DanishVAT

from .models import BulkOrder, Invoice, Membership, Organisation, Quotation, VolumePriceTier
from .strategy import VolumeDiscountVAT

Line = get_model("order", "Line")
ZERO = Decimal("0.00")


# --- Access ---------------------------------------------------------------------------


def organisations_for_user(*, user):
    if not user.is_authenticated:
        return Organisation.objects.none()
    if user.is_staff:
        return Organisation.objects.all()
    return Organisation.objects.filter(memberships__user=user).distinct()


def membership_role(*, user, organisation: Organisation) -> str | None:
    """The user's role in the organisation; staff act as approvers everywhere."""
    if not user.is_authenticated:
        return None
    membership = Membership.objects.filter(user=user, organisation=organisation).first()
    if membership:
        return membership.role
    return Membership.Role.APPROVER if user.is_staff else None


def membership_can_manage(*, user, organisation: Organisation) -> bool:
    """Staff, and the organisation's own admins, manage its members and EAN numbers."""
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    return Membership.objects.filter(user=user, organisation=organisation, is_admin=True).exists()


def organisation_get_for_user(*, user, slug: str) -> Organisation:
    """Its own organisation to a member (or any to staff); 404 to everyone else."""
    organisation = organisations_for_user(user=user).filter(slug=slug).first()
    if organisation is None:
        raise Http404
    return organisation


def bulk_orders_to_deliver():
    return (
        BulkOrder.objects.filter(status__in=[BulkOrder.Status.PLACED, BulkOrder.Status.DELIVERED])
        .select_related("organisation", "order")
        .order_by("requested_delivery_date", "pk")
    )


def bulk_order_get(*, organisation: Organisation, pk: int, with_lines: bool = False) -> BulkOrder:
    """This organisation's bulk order; 404 for another's.

    `with_lines`: its lines loaded once for the order page, whose table, totals and discount
    note each read them (three queries with a bulk discount, one without).
    """
    queryset = BulkOrder.objects.filter(organisation=organisation, pk=pk).select_related(
        "location", "order", "created_by", "decided_by"
    )
    if with_lines:
        queryset = queryset.prefetch_related("lines")
    order = queryset.first()
    if order is None:
        raise Http404
    return order


def invoice_get(*, organisation: Organisation, pk: int) -> Invoice:
    invoice = (
        Invoice.objects.filter(bulk_order__organisation=organisation, pk=pk)
        .select_related("bulk_order__location", "credited_invoice")
        .first()
    )
    if invoice is None:
        raise Http404
    return invoice


def quotation_get(*, organisation: Organisation, pk: int) -> Quotation:
    """A saved quote of this organisation; 404 for another organisation's."""
    quotation = (
        Quotation.objects.filter(organisation=organisation, pk=pk)
        .select_related("organisation", "location", "created_by")
        .prefetch_related("lines", "bulk_orders")
        .first()
    )
    if quotation is None:
        raise Http404
    return quotation


# --- Ready-made baskets, tiers and the quote --------------------------------------------


def designs_for_user(*, user):
    """Ready-made baskets plus the user's own saved designs."""
    own = (
        BasketDesign.objects.filter(owner=user, is_saved=True, basket_type__isnull=False)
        if (user.is_authenticated)
        else BasketDesign.objects.none()
    )
    return (
        (published_designs() | own.select_related("basket_type")).distinct().order_by("-is_published", "name")
    )


def volume_tier_for(*, quantity: int) -> VolumePriceTier | None:
    return VolumePriceTier.objects.filter(min_quantity__lte=quantity).order_by("-min_quantity").first()


def volume_tiers():
    return list(VolumePriceTier.objects.order_by("min_quantity"))


def bulk_order_with_po_number(*, organisation: Organisation, po_number: str) -> BulkOrder | None:
    """An earlier live order of the organisation with this purchase-order number (case and spaces ignored)."""
    return (
        BulkOrder.objects.filter(organisation=organisation, po_number__iexact=po_number.strip())
        .exclude(status__in=[BulkOrder.Status.CANCELLED, BulkOrder.Status.REJECTED])
        .order_by("-created_at")
        .first()
    )


def bulk_order_other_approver_exists(*, bulk_order: BulkOrder) -> bool:
    """Four eyes: is there an active approver besides the person who placed the order?"""
    approvers = Membership.objects.filter(
        organisation_id=bulk_order.organisation_id, role=Membership.Role.APPROVER, user__is_active=True
    )
    if bulk_order.created_by_id is not None:  # its buyer's account was deleted: every approver is another
        approvers = approvers.exclude(user_id=bulk_order.created_by_id)
    return approvers.exists()


def earliest_delivery_date(*, today: date | None = None) -> date:
    today = today or timezone.localdate()
    return today + timedelta(days=settings.PROCUREMENT_LEAD_TIME_DAYS)


@dataclass
class QuoteLine:
    design: BasketDesign
    quantity: int
    unit_gross_excl_tax: Decimal
    unit_net_excl_tax: Decimal
    unit_gross_incl_tax: Decimal
    problems: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        return self.design.name

    @property
    def unit_discount_excl_tax(self) -> Decimal:
        return self.unit_gross_excl_tax - self.unit_net_excl_tax

    @property
    def line_excl_tax(self) -> Decimal:
        return self.unit_net_excl_tax * self.quantity

    @property
    def unit_net_incl_tax(self) -> Decimal:
        return (self.unit_net_excl_tax * (1 + settings.VAT_RATE)).quantize(Decimal("0.01"))


@dataclass
class Quote:
    lines: list[QuoteLine]
    tier: VolumePriceTier | None
    next_tier: VolumePriceTier | None
    tiers: list[VolumePriceTier]

    @property
    def basket_count(self) -> int:
        return sum(line.quantity for line in self.lines)

    @property
    def discount_percent(self) -> Decimal:
        return self.tier.discount_percent if self.tier else Decimal("0")

    @property
    def gross_excl_tax(self) -> Decimal:
        return sum((line.unit_gross_excl_tax * line.quantity for line in self.lines), ZERO)

    @property
    def discount_excl_tax(self) -> Decimal:
        return self.gross_excl_tax - self.total_excl_tax

    @property
    def total_excl_tax(self) -> Decimal:
        return sum((line.line_excl_tax for line in self.lines), ZERO)

    @property
    def total_tax(self) -> Decimal:
        """VAT on the total, rounded once: the same figure the e-invoice carries."""
        return (self.total_excl_tax * settings.VAT_RATE).quantize(Decimal("0.01"))

    @property
    def total_incl_tax(self) -> Decimal:
        return self.total_excl_tax + self.total_tax

    @property
    def problems(self) -> list[str]:
        return [p for line in self.lines for p in line.problems]


def bulk_quote(*, design_counts: dict[int, int]) -> Quote:
    """Price `design_counts` ({design id: number of baskets}) with the volume tier that applies."""
    quantity = sum(design_counts.values())
    tier = volume_tier_for(quantity=quantity)
    discount = tier.discount_percent if tier else Decimal("0")
    gross_strategy = DanishVAT()
    net_strategy = VolumeDiscountVAT(discount_percent=discount)
    designs = BasketDesign.objects.in_bulk(list(design_counts))
    lines = []
    for design_id, count in design_counts.items():
        design = designs[design_id]
        # Stock is not a problem here: a bulk order is sourced across offers (procurement.sourcing).
        gross = design_summary(design=design, strategy=gross_strategy, quantity=count, check_stock=False)
        net = design_summary(design=design, strategy=net_strategy, quantity=count, check_stock=False)
        lines.append(
            QuoteLine(
                design=design,
                quantity=count,
                unit_gross_excl_tax=gross.unit_price_excl_tax,
                unit_net_excl_tax=net.unit_price_excl_tax,
                unit_gross_incl_tax=gross.unit_price_incl_tax,
                problems=gross.problems,
            )
        )
    next_tier = VolumePriceTier.objects.filter(min_quantity__gt=quantity).order_by("min_quantity").first()
    return Quote(lines=lines, tier=tier, next_tier=next_tier, tiers=volume_tiers())


# --- Manifest and impact report ---------------------------------------------------------


def bulk_order_manifest(*, bulk_order: BulkOrder):
    return bulk_order.recipients.select_related("design").order_by("position")


@dataclass
class ImpactRow:
    partner_id: int
    name: str
    is_rsov: bool
    spend_excl_tax: Decimal
    share: Decimal = ZERO


@dataclass
class ImpactReport:
    year: int
    years: list[int]
    rows: list[ImpactRow]

    @property
    def total_excl_tax(self) -> Decimal:
        return sum((row.spend_excl_tax for row in self.rows), ZERO)

    @property
    def enterprise_count(self) -> int:
        return len(self.rows)

    @property
    def rsov_excl_tax(self) -> Decimal:
        return sum((row.spend_excl_tax for row in self.rows if row.is_rsov), ZERO)

    @property
    def rsov_share_percent(self) -> Decimal:
        if not self.total_excl_tax:
            return ZERO
        return (self.rsov_excl_tax * 100 / self.total_excl_tax).quantize(Decimal("0.1"))


def impact_report(*, organisation: Organisation | None, year: int | None = None) -> ImpactReport:
    """Spend (excl. VAT) per social enterprise in one year; all organisations when None (staff)."""
    lines = Line.objects.filter(order__bulk_order__isnull=False).exclude(
        Q(order__bulk_order__status=BulkOrder.Status.CANCELLED) | Q(status=LineStatus.CANCELLED)
    )
    if organisation is not None:
        lines = lines.filter(order__bulk_order__organisation=organisation)
    lines = lines.annotate(year=ExtractYear("order__date_placed", tzinfo=timezone.get_current_timezone()))
    years = sorted(set(lines.values_list("year", flat=True)), reverse=True)
    if year is None:
        year = years[0] if years else timezone.localdate().year
    per_partner = (
        lines.filter(year=year)
        .values("partner_id", "partner__name", "partner__vendor_profile__is_rsov")
        .annotate(spend=Sum("line_price_excl_tax"))
        .order_by("-spend", "partner__name")
    )
    rows = [
        ImpactRow(
            partner_id=row["partner_id"],
            name=row["partner__name"],
            is_rsov=bool(row["partner__vendor_profile__is_rsov"]),
            spend_excl_tax=row["spend"] or ZERO,
        )
        for row in per_partner
    ]
    report = ImpactReport(year=year, years=years or [year], rows=rows)
    total = report.total_excl_tax
    for row in rows:
        row.share = (row.spend_excl_tax * 100 / total).quantize(Decimal("0.1")) if total else ZERO
    return report


def impact_by_organisation(*, year: int) -> list[tuple[Organisation, Decimal]]:
    """Staff overview: spend per organisation in one year."""
    totals: dict[int, Decimal] = defaultdict(lambda: ZERO)
    rows = (
        Line.objects.filter(order__bulk_order__isnull=False)
        .exclude(order__bulk_order__status=BulkOrder.Status.CANCELLED)
        .annotate(year=ExtractYear("order__date_placed", tzinfo=timezone.get_current_timezone()))
        .filter(year=year)
        .values("order__bulk_order__organisation_id")
        .annotate(spend=Sum("line_price_excl_tax"))
    )
    for row in rows:
        totals[row["order__bulk_order__organisation_id"]] = row["spend"]
    organisations = Organisation.objects.in_bulk(list(totals))
    return sorted(((organisations[k], v) for k, v in totals.items()), key=lambda t: -t[1])

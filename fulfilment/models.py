"""Vendor orders: one order's part for one vendor (VendorOrder), the split's state, and the
quantity-exact side of a vendor order: which units of which order line a vendor delivers.

VendorOrder is one order's part for one vendor; its
VendorOrderLine rows say how many units of each Oscar order line that vendor
delivers. One Oscar line can have several rows: a declined part re-sourced
from another vendor, a partly cancelled line (the cancelled units keep their
own row). Pick lists, the hub's assembly plan and payouts count ACTIVE rows
only.

A Substitution is the marketplace's answer to declined units no other offer
of the same product can supply: a product of the same category within the
staff's price band (SubstitutionPolicy), confirmed by staff or the hub. Its
units get their own ACTIVE rows, priced down by what the substitute is
cheaper (``reduction_*``): the buyer gets that back.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class VendorOrder(models.Model):
    """One order's part for one vendor: what to deliver and what it is paid."""

    class Status(models.TextChoices):
        NEW = "new", _("New")
        ACCEPTED = "accepted", _("Accepted")
        PACKED = "packed", _("Packed")
        DELIVERED = "delivered", _("Delivered to hub / shipped")
        CANCELLED = "cancelled", _("Cancelled")

    class PayoutState(models.TextChoices):
        PENDING = "pending", _("Waiting for payment")
        HELD = "held", _("Held: vendor's Stripe account not ready")
        SENT = "sent", _("Sent")
        REVERSED = "reversed", _("Reversed")
        NOT_APPLICABLE = "n/a", _("Nothing to pay")

    order = models.ForeignKey("order.Order", on_delete=models.CASCADE, related_name="vendor_orders")
    partner = models.ForeignKey("partner.Partner", on_delete=models.PROTECT, related_name="vendor_orders")
    lines = models.ManyToManyField("order.Line", related_name="vendor_orders")
    subtotal_excl_tax = models.DecimalField(max_digits=12, decimal_places=2)
    subtotal_incl_tax = models.DecimalField(max_digits=12, decimal_places=2)
    commission_rate = models.DecimalField(max_digits=5, decimal_places=4)
    commission = models.DecimalField(max_digits=12, decimal_places=2)
    payout_amount = models.DecimalField(max_digits=12, decimal_places=2)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.NEW)
    deliver_by = models.DateField(null=True, blank=True)
    payout_state = models.CharField(max_length=16, choices=PayoutState.choices, default=PayoutState.PENDING)
    stripe_transfer_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("vendor order")
        verbose_name_plural = _("vendor orders")
        constraints = [
            models.UniqueConstraint(fields=["order", "partner"], name="one_vendor_order_per_vendor")
        ]
        ordering = ["-created_at"]
        db_table = "vendors_vendororder"  # the table predates the move from vendors

    def __str__(self):
        return f"{self.order.number} / {self.partner.name}"


class OrderSplitState(models.Model):
    """Records that an order was placed and whether Celery has split it yet.

    Written in the order's own transaction, so an order placed while the
    broker is down is still found and split by the periodic sweep.
    """

    order = models.OneToOneField("order.Order", on_delete=models.CASCADE, related_name="split_state")
    split_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    # Set when the order is paid (card charge in, or invoice marked paid): the
    # split releases payouts itself if this came first.
    payouts_requested_at = models.DateTimeField(null=True, blank=True)
    # The day the buyer wants the order delivered, when it asked for one (a bulk order): handed
    # over by the app that placed the order, so the split need not know that app.
    requested_delivery_date = models.DateField(null=True, blank=True)
    # Set when a card refund is recorded, cleared once the vendors' transfers are reversed by
    # the refunded share: a reversal task lost with the broker is redone by the follow-up sweep.
    refund_reversal_requested_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["split_at", "created_at"])]
        db_table = "vendors_ordersplitstate"  # the table predates the move from vendors

    def __str__(self):
        return f"{self.order_id}: {'split' if self.split_at else 'pending'}"


class VendorOrderLine(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        DECLINED = "declined", _("Declined by the vendor")
        CANCELLED = "cancelled", _("Cancelled")

    vendor_order = models.ForeignKey(
        "fulfilment.VendorOrder", on_delete=models.CASCADE, related_name="vendor_lines"
    )
    line = models.ForeignKey("order.Line", on_delete=models.CASCADE, related_name="vendor_order_lines")
    # The offer the units come from: the line's own stock record, or another
    # vendor's offer of the same product when a declined part was re-sourced.
    stockrecord = models.ForeignKey(
        "partner.StockRecord", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE)
    reason = models.TextField(_("reason"), blank=True)
    # Units delivered as a substitute product (the stock record's product): the
    # row is worth its share of the order line less what the substitute is cheaper.
    substitution = models.ForeignKey(
        "fulfilment.Substitution", on_delete=models.PROTECT, null=True, blank=True, related_name="rows"
    )
    reduction_excl_tax = models.DecimalField(
        _("price reduction excl. VAT"), max_digits=12, decimal_places=2, default=Decimal("0.00")
    )
    reduction_incl_tax = models.DecimalField(
        _("price reduction incl. VAT"), max_digits=12, decimal_places=2, default=Decimal("0.00")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("vendor order line")
        verbose_name_plural = _("vendor order lines")
        ordering = ["pk"]
        indexes = [models.Index(fields=["line", "status"])]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="vendor_order_line_quantity_positive"),
            models.CheckConstraint(
                condition=Q(status__in=["active", "declined", "cancelled"]),
                name="vendor_order_line_status_known",
            ),
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(reason=""),
                name="vendor_order_line_decline_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(reduction_excl_tax__gte=0, reduction_incl_tax__gte=0),
                name="vendor_order_line_reduction_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(substitution__isnull=False) | Q(reduction_incl_tax=0, reduction_excl_tax=0),
                name="vendor_order_line_reduction_only_for_substitutes",
            ),
        ]

    def __str__(self):
        return f"{self.quantity} × line {self.line_id} ({self.status})"


def _percent_field(label, default):
    return models.DecimalField(
        label,
        max_digits=5,
        decimal_places=2,
        default=Decimal(default),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )


class SubstitutionPolicy(models.Model):
    """The staff's price band for substitutes (one row): how much cheaper or dearer a substitute may be.

    Compared on the offers' list prices (excl. VAT): a substitute of list
    price s for an item of list price p is allowed when
    p × (1 − below %) ≤ s ≤ p × (1 + above %). A cheaper substitute lowers
    what the buyer pays by the same proportion; a dearer one costs the buyer
    nothing more (the enterprise delivering it is paid the buyer's price).
    """

    below_percent = _percent_field(_("at most this much cheaper (%)"), "20")
    above_percent = _percent_field(_("at most this much dearer (%)"), "10")
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("substitution price band")
        verbose_name_plural = _("substitution price bands")
        constraints = [
            models.CheckConstraint(
                condition=Q(
                    below_percent__gte=0, below_percent__lte=100, above_percent__gte=0, above_percent__lte=100
                ),
                name="substitution_policy_percent_range",
            )
        ]

    def __str__(self):
        return f"-{self.below_percent} % / +{self.above_percent} %"

    @classmethod
    def current(cls) -> "SubstitutionPolicy":
        policy, _created = cls.objects.get_or_create(pk=1)
        return policy

    def allows(self, *, original: Decimal, substitute: Decimal) -> bool:
        """Whether a substitute of list price ``substitute`` is in the band around ``original``."""
        low = original * (100 - self.below_percent) / 100
        high = original * (100 + self.above_percent) / 100
        return low <= substitute <= high


class Substitution(models.Model):
    """Declined units of one order line that no other offer of its product could supply."""

    class Status(models.TextChoices):
        OPEN = "open", _("Awaiting a decision")
        CONFIRMED = "confirmed", _("Substitute confirmed")
        REJECTED = "rejected", _("Not delivered (refunded)")

    order = models.ForeignKey("order.Order", on_delete=models.CASCADE, related_name="substitutions")
    line = models.ForeignKey("order.Line", on_delete=models.CASCADE, related_name="substitutions")
    declined_from = models.ForeignKey(
        "fulfilment.VendorOrder", on_delete=models.CASCADE, related_name="substitutions_needed"
    )
    quantity = models.PositiveIntegerField(_("units"))
    reason = models.TextField(_("reason for the decline"))
    # The substitute staff confirmed (or the marketplace proposes while open; empty: none found).
    product = models.ForeignKey(
        "catalogue.Product", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.OPEN)
    # What the buyer gets back (card refund or credit note), incl. and excl. VAT.
    refund_incl_tax = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0.00"))
    refund_excl_tax = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0.00"))
    note = models.TextField(_("note"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("substitution")
        verbose_name_plural = _("substitutions")
        ordering = ["-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="substitution_quantity_positive"),
            models.CheckConstraint(
                condition=Q(status__in=["open", "confirmed", "rejected"]), name="substitution_status_known"
            ),
            models.CheckConstraint(
                condition=~Q(status="confirmed") | Q(product__isnull=False),
                name="substitution_confirmed_has_product",
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="substitution_has_reason"),
        ]

    def __str__(self):
        return f"{self.quantity} × line {self.line_id} ({self.status})"

    def clean(self):
        """A substitute is another product of the same category, in the staff's price band."""
        if self.product_id is None:
            return
        from .selectors import substitute_price_check

        error = substitute_price_check(line=self.line, product=self.product)
        if error:
            raise ValidationError({"product": error})

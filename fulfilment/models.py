"""The quantity-exact side of a vendor order: which units of which order line a vendor delivers.

VendorOrder (vendors.models) is one order's part for one vendor; its
VendorOrderLine rows say how many units of each Oscar order line that vendor
delivers. One Oscar line can have several rows: a declined part re-sourced
from another vendor, a partly cancelled line (the cancelled units keep their
own row). Pick lists, the hub's assembly plan and payouts count ACTIVE rows
only.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class VendorOrderLine(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        DECLINED = "declined", _("Declined by the vendor")
        CANCELLED = "cancelled", _("Cancelled")

    vendor_order = models.ForeignKey(
        "vendors.VendorOrder", on_delete=models.CASCADE, related_name="vendor_lines"
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
        ]

    def __str__(self):
        return f"{self.quantity} × line {self.line_id} ({self.status})"

"""Organisations that buy in bulk, their bulk orders, recipients and e-invoices.

A bulk order becomes an ordinary Oscar order once it is approved (or needs no
approval); the invoice is issued from that order and kept, XML included, so a
document once sent never changes.
"""

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from marketplace.control_characters import validate_no_control_characters, validate_single_line

from .validators import validate_cvr, validate_ean_location

postcode_validator = RegexValidator(r"^\d{4}$", _("A Danish postcode has 4 digits."))


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=255, validators=[validate_single_line])
    slug = models.SlugField(_("slug"), max_length=64, unique=True)
    cvr = models.CharField(_("CVR number"), max_length=8, validators=[validate_cvr])
    street = models.CharField(_("street"), max_length=255, validators=[validate_single_line])
    postcode = models.CharField(_("postcode"), max_length=4, validators=[postcode_validator])
    city = models.CharField(_("city"), max_length=128, validators=[validate_single_line])
    invoice_email = models.EmailField(_("invoice e-mail"), blank=True)
    approval_limit = models.DecimalField(
        _("approval limit (DKK incl. VAT)"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("10000.00"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Orders above this total wait for an approver."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self):
        return self.name


class OrganisationLocation(models.Model):
    """An EAN (GLN) location number: the public unit that receives the e-invoice."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="locations")
    ean = models.CharField(_("EAN number"), max_length=13, unique=True, validators=[validate_ean_location])
    unit_name = models.CharField(
        _("unit"), max_length=255, validators=[validate_single_line], help_text=_("e.g. the department")
    )

    class Meta:
        verbose_name = _("EAN location number")
        verbose_name_plural = _("EAN location numbers")
        ordering = ["unit_name"]
        constraints = [
            models.CheckConstraint(condition=models.Q(ean__regex=r"^[0-9]{13}$"), name="ean_has_13_digits")
        ]

    def __str__(self):
        return f"{self.ean} - {self.unit_name}"

    def save(self, *args, **kwargs):
        """The GS1 check digit is checked here too, so the admin, the shell and every form agree."""
        self.ean = "".join((self.ean or "").split())
        validate_ean_location(self.ean)
        validate_single_line(self.unit_name)
        super().save(*args, **kwargs)


class Membership(models.Model):
    class Role(models.TextChoices):
        BUYER = "buyer", _("Buyer")
        APPROVER = "approver", _("Approver")

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="procurement_memberships"
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.BUYER)
    is_admin = models.BooleanField(
        _("organisation admin"),
        default=False,
        help_text=_("Manages the organisation's members and EAN numbers."),
    )
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_(
            "The language of the e-mails to this member: the one they chose, "
            "else the one they last ordered in."
        ),
    )
    language_chosen = models.BooleanField(
        _("language chosen by the member"),
        default=False,
        help_text=_("Once the member has chosen a language, ordering in another one does not change it."),
    )

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")
        constraints = [
            models.UniqueConstraint(fields=["organisation", "user"], name="one_membership_per_organisation")
        ]

    def __str__(self):
        return f"{self.user} ({self.get_role_display()}, {self.organisation})"


def _invitation_token() -> str:
    return secrets.token_urlsafe(24)


class Invitation(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail"))
    role = models.CharField(_("role"), max_length=16, choices=Membership.Role.choices)
    is_admin = models.BooleanField(_("organisation admin"), default=False)
    token = models.CharField(max_length=64, unique=True, default=_invitation_token, editable=False)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    accepted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self):
        return f"{self.email} → {self.organisation}"


class VolumePriceTier(models.Model):
    """From `min_quantity` baskets in one order, every price is `discount_percent` lower."""

    min_quantity = models.PositiveIntegerField(_("from number of baskets"), unique=True)
    discount_percent = models.DecimalField(
        _("discount (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )

    class Meta:
        verbose_name = _("volume price tier")
        verbose_name_plural = _("volume price tiers")
        ordering = ["min_quantity"]

    def __str__(self):
        return f"{self.discount_percent} % ≥ {self.min_quantity}"


class BulkOrder(models.Model):
    class Status(models.TextChoices):
        AWAITING_APPROVAL = "awaiting_approval", pgettext_lazy("bulk order", "Awaiting approval")
        REJECTED = "rejected", pgettext_lazy("bulk order", "Rejected")
        PLACED = "placed", pgettext_lazy("bulk order", "Placed")
        DELIVERED = "delivered", pgettext_lazy("bulk order", "Delivered")
        CANCELLED = "cancelled", pgettext_lazy("bulk order", "Cancelled")

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="bulk_orders")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="bulk_orders"
    )
    status = models.CharField(_("status"), max_length=24, choices=Status.choices)
    location = models.ForeignKey(
        OrganisationLocation, on_delete=models.PROTECT, related_name="bulk_orders", verbose_name=_("EAN")
    )
    po_number = models.CharField(_("purchase-order number"), max_length=64, validators=[validate_single_line])
    person_reference = models.CharField(
        _("person reference"), max_length=64, validators=[validate_single_line]
    )
    accounting_cost = models.CharField(
        _("account / cost centre"), max_length=64, blank=True, validators=[validate_single_line]
    )
    requested_delivery_date = models.DateField(_("requested delivery date"))
    basket_count = models.PositiveIntegerField(_("number of baskets"))
    discount_percent = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("0"))
    total_excl_tax = models.DecimalField(max_digits=12, decimal_places=2)
    total_tax = models.DecimalField(max_digits=12, decimal_places=2)
    total_incl_tax = models.DecimalField(max_digits=12, decimal_places=2)
    order = models.OneToOneField(
        "order.Order", on_delete=models.PROTECT, null=True, blank=True, related_name="bulk_order"
    )
    quotation = models.ForeignKey(
        "Quotation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="bulk_orders",
        verbose_name=_("quote"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    rejection_reason = models.TextField(
        _("reason for rejection"), blank=True, validators=[validate_no_control_characters]
    )
    delivered_at = models.DateTimeField(null=True, blank=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("bulk order")
        verbose_name_plural = _("bulk orders")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.organisation} #{self.pk}"

    @property
    def list_price_excl_tax(self) -> Decimal:
        """The lines at list price; minus ``discount_excl_tax`` it is ``total_excl_tax`` to the øre."""
        return sum((line.unit_price_excl_tax * line.quantity for line in self.lines.all()), Decimal("0.00"))

    @property
    def discount_excl_tax(self) -> Decimal:
        lines = self.lines.all()
        return sum((line.unit_discount_excl_tax * line.quantity for line in lines), Decimal("0.00"))


class BulkOrderLine(models.Model):
    """One ready-made basket (design) in the order: how many, at what price per basket."""

    bulk_order = models.ForeignKey(BulkOrder, on_delete=models.CASCADE, related_name="lines")
    design = models.ForeignKey("giftbaskets.BasketDesign", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=255, validators=[validate_single_line])
    quantity = models.PositiveIntegerField()
    unit_price_excl_tax = models.DecimalField(max_digits=12, decimal_places=2)
    unit_discount_excl_tax = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))

    class Meta:
        ordering = ["pk"]

    @property
    def unit_net_excl_tax(self) -> Decimal:
        return self.unit_price_excl_tax - self.unit_discount_excl_tax

    @property
    def line_total_excl_tax(self) -> Decimal:
        return self.unit_net_excl_tax * self.quantity


class Recipient(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", pgettext_lazy("recipient", "Waiting")
        PACKED = "packed", pgettext_lazy("recipient", "Packed")
        DELIVERED = "delivered", pgettext_lazy("recipient", "Delivered")

    bulk_order = models.ForeignKey(BulkOrder, on_delete=models.CASCADE, related_name="recipients")
    position = models.PositiveIntegerField()
    name = models.CharField(_("name"), max_length=255, validators=[validate_single_line])
    attention = models.CharField(
        _("att. / department"), max_length=255, blank=True, validators=[validate_single_line]
    )
    street = models.CharField(_("street"), max_length=255, validators=[validate_single_line])
    postcode = models.CharField(_("postcode"), max_length=4)
    city = models.CharField(_("city"), max_length=128, validators=[validate_single_line])
    phone = models.CharField(_("phone"), max_length=32, blank=True, validators=[validate_single_line])
    email = models.EmailField(_("e-mail"), blank=True)
    message = models.TextField(_("gift message"), blank=True, validators=[validate_no_control_characters])
    quantity = models.PositiveIntegerField(_("baskets"), default=1)
    design = models.ForeignKey("giftbaskets.BasketDesign", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    delivered_at = models.DateTimeField(null=True, blank=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("recipient")
        verbose_name_plural = _("recipients")
        ordering = ["bulk_order", "position"]

    def __str__(self):
        return self.name


FULL_CREDIT_KEY = "full"


class InvoiceCounter(models.Model):
    """The last number issued in a series; locked row = numbers without gaps."""

    series = models.CharField(max_length=32, unique=True)
    last_number = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.series}: {self.last_number}"


class Invoice(models.Model):
    class Kind(models.TextChoices):
        INVOICE = "invoice", _("Invoice")
        CREDIT_NOTE = "credit_note", _("Credit note")

    number = models.PositiveIntegerField(_("number"), unique=True)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.INVOICE)
    bulk_order = models.ForeignKey(BulkOrder, on_delete=models.PROTECT, related_name="invoices")
    # A credit note credits one invoice: in full (credit_key "full", at most one) or in part
    # (a partial cancellation, a substitute's price difference), each part once by its key.
    credited_invoice = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="credit_notes"
    )
    credit_key = models.CharField(max_length=64, blank=True)
    issue_date = models.DateField()
    due_date = models.DateField()
    total_excl_tax = models.DecimalField(max_digits=12, decimal_places=2)
    total_tax = models.DecimalField(max_digits=12, decimal_places=2)
    total_incl_tax = models.DecimalField(max_digits=12, decimal_places=2)
    xml = models.TextField()

    class Transmission(models.TextChoices):
        CREATED = "created", pgettext_lazy("e-invoice transmission", "Created")
        SENT = "sent", pgettext_lazy("e-invoice transmission", "Sent")
        FAILED = "failed", pgettext_lazy("e-invoice transmission", "Failed")

    transmission_status = models.CharField(
        _("transmission"), max_length=16, choices=Transmission.choices, default=Transmission.CREATED
    )
    transmission_attempts = models.PositiveIntegerField(default=0)
    transmission_reference = models.CharField(max_length=500, blank=True)
    transmission_error = models.TextField(blank=True)
    transmitted_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    paid_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("invoice")
        verbose_name_plural = _("invoices")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["bulk_order"], condition=models.Q(kind="invoice"), name="one_invoice_per_bulk_order"
            ),
            models.UniqueConstraint(
                fields=["credited_invoice", "credit_key"],
                condition=models.Q(kind="credit_note"),
                name="one_credit_note_per_invoice_and_key",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.number}"

    @property
    def file_stem(self) -> str:
        """The name its PDF and XML files carry, without the ending: "faktura-17", "kreditnota-18"."""
        prefix = "kreditnota" if self.kind == self.Kind.CREDIT_NOTE else "faktura"
        return f"{prefix}-{self.number}"

    @property
    def is_fully_credited(self) -> bool:
        return self.credit_notes.filter(credit_key=FULL_CREDIT_KEY).exists()


class Quotation(models.Model):
    """A saved, numbered quote (T-YYYY-NNNNN): what the organisation was offered, at what price, until when.

    The lines are the items (packaging included) with the enterprises that supply them; the
    amounts are the ones a bulk order placed from the quote must carry. ``draft`` keeps the
    recipients and the requested date so the quote can be ordered later; it is emptied once
    the order is placed (the order's recipients take over) or when the quote has long expired.
    """

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="quotations")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    number = models.CharField(_("number"), max_length=16, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    valid_until = models.DateField(_("valid until"))
    location = models.ForeignKey(
        OrganisationLocation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="quotations",
        verbose_name=_("EAN"),
    )
    requested_delivery_date = models.DateField(_("requested delivery date"))
    basket_count = models.PositiveIntegerField(_("number of baskets"))
    recipient_count = models.PositiveIntegerField(_("delivery addresses"))
    discount_percent = models.DecimalField(max_digits=5, decimal_places=2, default=Decimal("0"))
    list_price_excl_tax = models.DecimalField(max_digits=12, decimal_places=2)
    discount_excl_tax = models.DecimalField(max_digits=12, decimal_places=2)
    total_excl_tax = models.DecimalField(max_digits=12, decimal_places=2)
    total_tax = models.DecimalField(max_digits=12, decimal_places=2)
    total_incl_tax = models.DecimalField(max_digits=12, decimal_places=2)
    # [{"design_id", "title", "quantity", "unit_list_excl_tax", "unit_net_excl_tax"}], amounts as strings.
    baskets = models.JSONField(default=list)
    draft = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("quote")
        verbose_name_plural = _("quotes")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.number

    def is_expired(self, *, today=None) -> bool:
        from django.utils import timezone

        return (today or timezone.localdate()) > self.valid_until


class QuotationLine(models.Model):
    """One item of the quote: units, price (list, discount, net), amount and who supplies how many."""

    quotation = models.ForeignKey(Quotation, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField()
    product = models.ForeignKey(
        "catalogue.Product", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    title = models.CharField(max_length=255)
    quantity = models.PositiveIntegerField()
    unit_list_price_excl_tax = models.DecimalField(max_digits=12, decimal_places=2)
    unit_discount_excl_tax = models.DecimalField(max_digits=12, decimal_places=2, default=Decimal("0"))
    unit_price_excl_tax = models.DecimalField(max_digits=12, decimal_places=2)
    line_total_excl_tax = models.DecimalField(max_digits=12, decimal_places=2)
    # [{"vendor", "is_rsov", "units", "from_stock", "weeks": [[iso week, units], ...]}]
    suppliers = models.JSONField(default=list)

    class Meta:
        ordering = ["quotation", "position"]
        constraints = [
            models.UniqueConstraint(fields=["quotation", "position"], name="one_quotation_line_per_position")
        ]

    def __str__(self):
        return f"{self.quotation} {self.title} × {self.quantity}"

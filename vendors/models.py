"""Social enterprises (vendors): an Oscar Partner, and VendorProfile for what Oscar does not know.

A vendor's share of each order (VendorOrder, OrderSplitState) belongs to fulfilment, whose
logic makes and moves it (fulfilment.models).
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from marketplace.danish_identifiers import validate_cvr

# The Oscar product classes a vendor lists its products in (the dashboard offers one "new product" link each).
FOOD_CLASS = "Fødevare"
NONFOOD_CLASS = "Brugskunst"
# The food class's attribute for a drink's alcohol (% vol.); the product page shows the age limit.
ALCOHOL_ATTRIBUTE_CODE = "alcohol_percent"


class VendorProfile(models.Model):
    class Status(models.TextChoices):
        APPLIED = "applied", _("Applied")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        SUSPENDED = "suspended", _("Suspended")

    partner = models.OneToOneField("partner.Partner", on_delete=models.CASCADE, related_name="vendor_profile")
    slug = models.SlugField(_("slug"), max_length=128, unique=True)
    legal_name = models.CharField(_("legal name"), max_length=255)
    cvr = models.CharField(_("CVR number"), max_length=8, validators=[validate_cvr], help_text=_("8 digits"))
    is_rsov = models.BooleanField(_("registered social enterprise (RSØV)"), default=False)
    rsov_reference = models.CharField(_("RSØV registration reference"), max_length=64, blank=True)
    mission = models.TextField(_("social mission"), blank=True)
    impact_text = models.TextField(_("impact"), blank=True)
    employees_flex_jobs = models.PositiveIntegerField(_("employees in flex jobs"), null=True, blank=True)
    employees_total = models.PositiveIntegerField(_("employees in total"), null=True, blank=True)
    logo = models.ImageField(_("logo"), upload_to="vendors/logos/", blank=True)
    contact_email = models.EmailField(_("contact e-mail"))
    contact_phone = models.CharField(_("contact phone"), max_length=32, blank=True)
    street = models.CharField(_("street"), max_length=255, blank=True)
    postcode = models.CharField(_("postcode"), max_length=4, blank=True)
    city = models.CharField(_("city"), max_length=128, blank=True)
    dropoff_notes = models.TextField(_("delivery/drop-off notes for the hub"), blank=True)
    is_hub = models.BooleanField(
        _("packing hub"), default=False, help_text=_("Assembles and ships the joint baskets.")
    )
    commission_rate = models.DecimalField(
        _("commission rate"),
        max_digits=5,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text=_("Share of the vendor's sales kept by the platform; empty = platform default."),
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.APPLIED)
    rejection_reason = models.TextField(_("rejection reason"), blank=True)
    stripe_account_id = models.CharField(_("Stripe connected account"), max_length=64, blank=True)
    stripe_account_ready = models.BooleanField(_("Stripe account can receive payouts"), default=False)
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="vendor_applications",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("vendor profile")
        verbose_name_plural = _("vendor profiles")
        ordering = ["legal_name"]

    def __str__(self):
        return self.partner.name

    def save(self, *args, **kwargs):
        # The CVR rule holds for the shell and every service too, not only for forms and the admin.
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "cvr" in update_fields:
            validate_cvr(self.cvr)
        super().save(*args, **kwargs)

    @property
    def effective_commission_rate(self) -> Decimal:
        if self.commission_rate is not None:
            return self.commission_rate
        return settings.MARKETPLACE_COMMISSION_RATE


class ProductImport(models.Model):
    """A vendor's uploaded product file, kept between preview and confirmation.

    The parsed rows are stored so the confirmation saves exactly what the
    vendor saw in the preview, without uploading the file again.
    """

    class Status(models.TextChoices):
        PREVIEW = "preview", _("Waiting for confirmation")
        DONE = "done", _("Saved")

    partner = models.ForeignKey("partner.Partner", on_delete=models.CASCADE, related_name="product_imports")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    filename = models.CharField(_("file name"), max_length=255)
    rows = models.JSONField(_("rows"), default=list)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PREVIEW)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("product import")
        verbose_name_plural = _("product imports")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.partner_id}: {self.filename}"

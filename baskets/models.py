"""Gift baskets: types (packaging + rules), designs (what goes in) and cart groups.

A gift basket is one thing to the buyer and a set of ordinary Oscar lines to the
system: every line of one basket carries the same value of the "gift-basket"
Oscar Option, and GiftBasketGroup holds what the lines share (name, message, N).
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# Code of the Oscar Option whose value links a basket/order line to its group.
GIFT_BASKET_OPTION_CODE = "gift-basket"


class BasketTypeQuerySet(models.QuerySet):
    def active(self, *, today=None):
        today = today or timezone.localdate()
        return self.filter(is_active=True).filter(
            models.Q(active_from__isnull=True) | models.Q(active_from__lte=today),
            models.Q(active_until__isnull=True) | models.Q(active_until__gte=today),
        )


class BasketType(models.Model):
    """A kind of basket: its packaging/assembly product (sold by the hub) and its rules."""

    name = models.CharField(_("name"), max_length=128)
    slug = models.SlugField(_("slug"), max_length=128, unique=True)
    description = models.TextField(_("description"), blank=True)
    image = models.ImageField(_("image"), upload_to="giftbaskets/types/", blank=True)
    packaging_product = models.ForeignKey(
        "catalogue.Product",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("packaging/assembly product"),
        help_text=_("A product supplied by the packing hub; its price is the packaging price."),
    )
    min_items = models.PositiveIntegerField(_("minimum number of items"), default=3)
    max_items = models.PositiveIntegerField(_("maximum number of items"), default=12)
    min_budget = models.DecimalField(
        _("minimum total (incl. VAT)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    max_budget = models.DecimalField(
        _("maximum total (incl. VAT)"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    allow_mixing = models.BooleanField(
        _("food and non-food may mix"),
        default=True,
        help_text=_("When off, all items must be of one product class (e.g. only food)."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    active_from = models.DateField(_("active from"), null=True, blank=True)
    active_until = models.DateField(_("active until"), null=True, blank=True)
    display_order = models.PositiveIntegerField(_("display order"), default=0)

    objects = BasketTypeQuerySet.as_manager()

    class Meta:
        verbose_name = _("basket type")
        verbose_name_plural = _("basket types")
        ordering = ["display_order", "name"]

    def __str__(self):
        return self.name

    def clean(self):
        if self.min_items and self.max_items and self.min_items > self.max_items:
            raise ValidationError({"max_items": _("The maximum must be at least the minimum.")})
        if self.min_budget and self.max_budget and self.min_budget > self.max_budget:
            raise ValidationError({"max_budget": _("The maximum must be at least the minimum.")})
        if self.active_from and self.active_until and self.active_from > self.active_until:
            raise ValidationError({"active_until": _("The period ends before it starts.")})
        if (
            self.packaging_product_id
            and not self.packaging_product.stockrecords.filter(partner__vendor_profile__is_hub=True).exists()
        ):
            raise ValidationError(
                {"packaging_product": _("The packaging product must be supplied by the packing hub.")}
            )

    def is_available(self, *, today=None) -> bool:
        today = today or timezone.localdate()
        return (
            self.is_active
            and (self.active_from is None or self.active_from <= today)
            and (self.active_until is None or self.active_until >= today)
        )


class BasketDesign(models.Model):
    """What goes into one basket. Anonymous drafts have no owner; the session holds their id."""

    basket_type = models.ForeignKey(
        BasketType,
        on_delete=models.PROTECT,
        related_name="designs",
        verbose_name=_("basket type"),
        null=True,
        blank=True,
    )
    name = models.CharField(_("name"), max_length=128, default=_("My gift basket"))
    gift_message = models.TextField(_("gift message"), max_length=1000, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="gift_basket_designs",
    )
    is_saved = models.BooleanField(_("saved by its owner"), default=False)
    is_published = models.BooleanField(
        _("published as ready-made basket"),
        default=False,
        help_text=_("Shown in the shop; buyers can buy it as is or copy and change it."),
    )
    slug = models.SlugField(_("slug"), max_length=128, unique=True, null=True, blank=True)
    description = models.TextField(_("shop description"), blank=True)
    copied_from = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="copies"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("basket design")
        verbose_name_plural = _("basket designs")
        ordering = ["-updated_at"]

    def __str__(self):
        return self.name

    def clean(self):
        if self.is_published and not self.slug:
            raise ValidationError({"slug": _("A published basket needs a slug for its address.")})


class BasketDesignItem(models.Model):
    design = models.ForeignKey(BasketDesign, on_delete=models.CASCADE, related_name="items")
    product = models.ForeignKey("catalogue.Product", on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveIntegerField(_("quantity"), default=1, validators=[MinValueValidator(1)])

    class Meta:
        verbose_name = _("basket design item")
        verbose_name_plural = _("basket design items")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["design", "product"], name="one_item_per_product_per_design")
        ]

    def __str__(self):
        return f"{self.quantity} × {self.product}"


def _new_reference() -> str:
    return uuid.uuid4().hex[:16]


class GiftBasketGroup(models.Model):
    """N copies of one design in a cart; its lines share `reference` as their option value."""

    reference = models.CharField(_("reference"), max_length=32, unique=True, default=_new_reference)
    basket = models.ForeignKey(
        "basket.Basket", on_delete=models.SET_NULL, null=True, blank=True, related_name="gift_basket_groups"
    )
    design = models.ForeignKey(
        BasketDesign, on_delete=models.SET_NULL, null=True, blank=True, related_name="cart_groups"
    )
    basket_type = models.ForeignKey(BasketType, on_delete=models.PROTECT, related_name="cart_groups")
    name = models.CharField(_("name"), max_length=128)
    gift_message = models.TextField(_("gift message"), blank=True)
    quantity = models.PositiveIntegerField(_("number of baskets"), validators=[MinValueValidator(1)])
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("gift basket in a cart")
        verbose_name_plural = _("gift baskets in carts")
        ordering = ["pk"]

    def __str__(self):
        return f"{self.name} × {self.quantity}"

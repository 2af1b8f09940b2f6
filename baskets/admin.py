"""Staff manage basket types and publish curated designs as ready-made baskets here."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import BasketDesign, BasketDesignItem, BasketType, GiftBasketGroup


@admin.register(BasketType)
class BasketTypeAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "packaging_product",
        "min_items",
        "max_items",
        "min_budget",
        "max_budget",
        "allow_mixing",
        "is_active",
        "active_from",
        "active_until",
    )
    list_editable = ("is_active",)
    list_filter = ("is_active", "allow_mixing")
    prepopulated_fields = {"slug": ("name",)}
    raw_id_fields = ("packaging_product",)
    search_fields = ("name",)


class BasketDesignItemInline(admin.TabularInline):
    model = BasketDesignItem
    raw_id_fields = ("product",)
    extra = 1


@admin.register(BasketDesign)
class BasketDesignAdmin(admin.ModelAdmin):
    list_display = ("name", "basket_type", "is_published", "slug", "owner", "updated_at")
    list_filter = ("is_published", "basket_type", "is_saved")
    search_fields = ("name", "slug", "owner__email")
    raw_id_fields = ("owner", "copied_from")
    inlines = [BasketDesignItemInline]
    actions = ["publish", "unpublish"]

    @admin.action(description=_("Publish as ready-made baskets"))
    def publish(self, request, queryset):
        from django.utils.text import slugify

        for design in queryset:
            design.slug = design.slug or slugify(f"{design.name}-{design.pk}")
            design.is_published = True
            design.save(update_fields=["slug", "is_published", "updated_at"])

    @admin.action(description=_("Withdraw from the shop"))
    def unpublish(self, request, queryset):
        queryset.update(is_published=False)


@admin.register(GiftBasketGroup)
class GiftBasketGroupAdmin(admin.ModelAdmin):
    list_display = ("name", "quantity", "basket_type", "reference", "basket", "created_at")
    search_fields = ("name", "reference")
    readonly_fields = ("reference", "basket", "design", "basket_type", "name", "gift_message", "quantity")

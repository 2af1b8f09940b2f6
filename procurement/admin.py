from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from marketplace.site_url import site_url

from . import services
from .models import (
    BulkOrder,
    Invitation,
    Invoice,
    Membership,
    Organisation,
    OrganisationLocation,
    VolumePriceTier,
)


class LocationInline(admin.TabularInline):
    model = OrganisationLocation
    extra = 1


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "cvr", "city", "approval_limit"]
    prepopulated_fields = {"slug": ["name"]}
    search_fields = ["name", "cvr", "locations__ean"]
    inlines = [LocationInline, MembershipInline]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "organisation", "role", "created_at", "accepted_at"]
    fields = ["organisation", "email", "role"]

    def save_model(self, request, obj, form, change):
        """A new invitation is sent by e-mail at once."""
        if change:
            return super().save_model(request, obj, form, change)
        invitation = services.invitation_send(
            organisation=obj.organisation,
            email=obj.email,
            role=obj.role,
            invited_by=request.user,
            base_url=site_url(),
        )
        obj.pk = invitation.pk
        messages.info(request, _("Invitation e-mailed to %(email)s.") % {"email": obj.email})


@admin.register(VolumePriceTier)
class VolumePriceTierAdmin(admin.ModelAdmin):
    list_display = ["min_quantity", "discount_percent"]


@admin.register(BulkOrder)
class BulkOrderAdmin(admin.ModelAdmin):
    list_display = ["pk", "organisation", "status", "basket_count", "total_incl_tax", "created_at"]
    list_filter = ["status", "organisation"]
    readonly_fields = [f.name for f in BulkOrder._meta.fields]


@admin.register(Invoice)
class InvoiceAdmin(admin.ModelAdmin):
    list_display = ["number", "kind", "bulk_order", "issue_date", "total_incl_tax", "paid_at"]
    list_filter = ["kind"]
    readonly_fields = [f.name for f in Invoice._meta.fields]

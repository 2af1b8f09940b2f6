from django.contrib import admin

from supply.models import CapacityReservation, OfferCapacity


@admin.register(OfferCapacity)
class OfferCapacityAdmin(admin.ModelAdmin):
    list_display = ["stockrecord", "units_per_week", "lead_time_days", "updated_at"]
    search_fields = ["stockrecord__partner__name", "stockrecord__product__title", "stockrecord__partner_sku"]
    raw_id_fields = ["stockrecord"]


@admin.register(CapacityReservation)
class CapacityReservationAdmin(admin.ModelAdmin):
    list_display = ["stockrecord", "week", "units", "status", "reference", "order", "created_at"]
    list_filter = ["status"]
    search_fields = ["reference", "stockrecord__partner__name", "stockrecord__product__title"]
    raw_id_fields = ["stockrecord", "order"]

from django.contrib import admin

from vendors.models import ProductImport, VendorProfile


@admin.register(VendorProfile)
class VendorProfileAdmin(admin.ModelAdmin):
    list_display = ["partner", "legal_name", "cvr", "is_rsov", "status", "created_at"]
    list_filter = ["status", "is_rsov", "is_hub"]
    search_fields = ["partner__name", "legal_name", "cvr"]
    raw_id_fields = ["partner", "applicant"]
    readonly_fields = ["status"]


@admin.register(ProductImport)
class ProductImportAdmin(admin.ModelAdmin):
    list_display = ["filename", "partner", "status", "created_at"]
    list_filter = ["status"]
    raw_id_fields = ["partner", "created_by"]

"""Reads about vendors, shared by views, the dashboard and other apps.

`product_queryset_for_storefront` is the one place that decides which
products buyers may see: public products stocked by an approved vendor.
"""

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from oscar.core.loading import get_model

from marketplace.order_status import LineStatus
from vendors.models import FOOD_CLASS, NONFOOD_CLASS, ProductImport, VendorProfile

Product = get_model("catalogue", "Product")
ProductImage = get_model("catalogue", "ProductImage")
StockRecord = get_model("partner", "StockRecord")
Partner = get_model("partner", "Partner")
Category = get_model("catalogue", "Category")


def user_is_hub(*, user) -> bool:
    """Whether the user works for the approved packing hub (reads delivery lists and assembly plans)."""
    vendor = vendor_for_user(user=user)
    return vendor is not None and vendor.is_hub


def user_is_hub_or_staff(*, user) -> bool:
    """Staff, or a user of the packing hub: who reads assembly plans and decides substitutions."""
    return user.is_active and (user.is_staff or user_is_hub(user=user))


def vendor_for_user(*, user) -> VendorProfile | None:
    """The approved vendor whose dashboard this user may use, else None.

    Needs both the Partner link and the `partner.dashboard_access`
    permission; cached on the user object for the request.
    """
    if not user.is_authenticated:
        return None
    if hasattr(user, "_vendor_profile_cache"):
        return user._vendor_profile_cache
    vendor = None
    if user.is_active and user.has_perm("partner.dashboard_access"):
        vendor = (
            VendorProfile.objects.select_related("partner")
            .filter(partner__users=user, status=VendorProfile.Status.APPROVED)
            .order_by("pk")
            .first()
        )
    user._vendor_profile_cache = vendor
    return vendor


def vendor_list_for_dashboard(*, status: str = "") -> QuerySet[VendorProfile]:
    queryset = VendorProfile.objects.select_related("partner", "applicant").order_by("-created_at")
    if status:
        queryset = queryset.filter(status=status)
    return queryset


def vendor_list_for_storefront(*, rsov_only: bool = False) -> QuerySet[VendorProfile]:
    queryset = (
        VendorProfile.objects.filter(status=VendorProfile.Status.APPROVED)
        .select_related("partner")
        .annotate(
            product_count=Count(
                "partner__stockrecords__product",
                filter=Q(partner__stockrecords__product__is_public=True),
                distinct=True,
            )
        )
        .order_by("partner__name")
    )
    if rsov_only:
        queryset = queryset.filter(is_rsov=True)
    return queryset


def vendor_get_for_storefront(*, slug: str) -> VendorProfile | None:
    return (
        VendorProfile.objects.filter(status=VendorProfile.Status.APPROVED, slug=slug)
        .select_related("partner")
        .first()
    )


def product_queryset_for_storefront(queryset: QuerySet | None = None) -> QuerySet:
    """Public products that have a stock record of an APPROVED vendor.

    A parent product counts when one of its variants is stocked by one.
    Uses EXISTS rather than joins, so callers keep one row per product and
    may add their own ordering, filters and annotations.
    """
    if queryset is None:
        queryset = Product.objects.browsable()
    approved = StockRecord.objects.filter(
        partner__vendor_profile__status=VendorProfile.Status.APPROVED,
        offer_status=StockRecord.OfferStatus.APPROVED,
    )
    return queryset.filter(is_public=True).filter(
        Exists(approved.filter(product=OuterRef("pk")))
        | Exists(approved.filter(product__parent=OuterRef("pk")))
    )


def vendor_products_for_storefront(*, vendor: VendorProfile) -> QuerySet:
    """A vendor's page: everything a product card needs in a fixed number of queries."""
    own = StockRecord.objects.filter(partner=vendor.partner_id)
    return (
        product_queryset_for_storefront()
        .filter(Exists(own.filter(product=OuterRef("pk"))))
        .select_related("product_class")
        .prefetch_related(
            Prefetch("images", queryset=ProductImage.objects.order_by("display_order", "pk")),
            Prefetch(
                "stockrecords",
                queryset=StockRecord.objects.filter(
                    partner=vendor.partner_id, offer_status=StockRecord.OfferStatus.APPROVED
                ).select_related("partner__vendor_profile"),
            ),
        )
        .order_by("title")
    )


def blocked_partner_ids() -> set[int]:
    """Partners whose vendor is not approved: their stock cannot be bought."""
    return set(
        VendorProfile.objects.exclude(status=VendorProfile.Status.APPROVED).values_list(
            "partner_id", flat=True
        )
    )


def products_awaiting_approval() -> QuerySet:
    """Vendor products not yet public: what staff still have to look at."""
    vendor_stock = StockRecord.objects.filter(product=OuterRef("pk"), partner__vendor_profile__isnull=False)
    return (
        Product.objects.filter(is_public=False)
        .filter(Exists(vendor_stock))
        .prefetch_related(Prefetch("stockrecords", queryset=StockRecord.objects.select_related("partner")))
        .order_by("date_created")
    )


def offers_awaiting_approval() -> QuerySet:
    """Vendors' offers of products already in the shop, waiting for staff (oldest first)."""
    return (
        StockRecord.objects.filter(offer_status=StockRecord.OfferStatus.PENDING)
        .select_related("product", "partner__vendor_profile")
        .order_by("date_created", "pk")
    )


def offer_list_for_vendor(*, vendor: VendorProfile) -> QuerySet:
    """A vendor's own offers (stock records), never another vendor's on the same product."""
    return (
        StockRecord.objects.filter(partner=vendor.partner_id)
        .select_related("product")
        .annotate(
            other_offer_count=Count(
                "product__stockrecords",
                filter=~Q(product__stockrecords__partner=vendor.partner_id),
                distinct=True,
            )
        )
        .order_by("product__title", "pk")
    )


def offer_get_for_vendor(*, vendor: VendorProfile, pk: int):
    return StockRecord.objects.filter(partner=vendor.partner_id, pk=pk).select_related("product").first()


def products_vendor_can_offer(*, vendor: VendorProfile, query: str = "") -> QuerySet:
    """Products in the shop that this vendor does not offer yet ("we make this too")."""
    own = StockRecord.objects.filter(partner=vendor.partner_id, product=OuterRef("pk"))
    products = Product.objects.filter(structure__in=[Product.STANDALONE, Product.CHILD])
    queryset = (
        product_queryset_for_storefront(queryset=products)
        .exclude(Exists(own))
        .annotate(offer_count=Count("stockrecords", distinct=True))
        .order_by("title", "pk")
    )
    if query.strip():
        queryset = queryset.filter(title__icontains=query.strip())
    return queryset


def product_import_get_for_vendor(*, vendor: VendorProfile, pk: int) -> ProductImport | None:
    return ProductImport.objects.filter(partner=vendor.partner_id, pk=pk).first()


def approval_required() -> bool:
    return getattr(settings, "VENDOR_PRODUCT_APPROVAL_REQUIRED", True)


def category_choices_text() -> str:
    return ", ".join(sorted(Category.objects.values_list("name", flat=True)))


def vendor_dashboard_summary(*, vendor: VendorProfile) -> dict:
    """A vendor's own figures for the dashboard start page (never the whole store's)."""
    from django.db.models import F, Sum

    Line = get_model("order", "Line")
    ProductClass = get_model("catalogue", "ProductClass")
    products = Product.objects.filter(stockrecords__partner=vendor.partner_id).distinct()
    lines = Line.objects.filter(partner=vendor.partner_id)
    return {
        "product_count": products.count(),
        "awaiting_approval_count": products.filter(is_public=False).count(),
        "low_stock": StockRecord.objects.filter(partner=vendor.partner_id, num_in_stock__lte=5)
        .select_related("product")
        .order_by("num_in_stock")[:10],
        "order_count": lines.values("order_id").distinct().count(),
        "open_line_count": lines.exclude(status__in=[LineStatus.DELIVERED, LineStatus.CANCELLED]).count(),
        "sales_excl_tax": lines.exclude(status=LineStatus.CANCELLED).aggregate(
            total=Sum("line_price_excl_tax")
        )["total"],
        "product_classes": ProductClass.objects.filter(name__in=[FOOD_CLASS, NONFOOD_CLASS]).order_by("name"),
        "recent_lines": lines.select_related("order").order_by("-order__date_placed", F("pk").desc())[:10],
    }

"""Storefront reads: listings that run a fixed number of queries, search and filters.

Every listing loads its page of products with one query plus a fixed set of
prefetches (stock records with partner and vendor profile, images), so the
query count depends neither on the catalogue's size nor on the page size.
"""

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from oscar.core.loading import get_model

from marketplace import storefront_cache

Product = get_model("catalogue", "Product")
ProductImage = get_model("catalogue", "ProductImage")
Category = get_model("catalogue", "Category")
ProductAttributeValue = get_model("catalogue", "ProductAttributeValue")
Option = get_model("catalogue", "Option")
ProductRecommendation = get_model("catalogue", "ProductRecommendation")
StockRecord = get_model("partner", "StockRecord")

# The same expression as the GIN index of migration 0033: PostgreSQL uses the
# index only when the query's expression is identical.
SEARCH_CONFIG = "danish"
PRODUCT_SEARCH_VECTOR = SearchVector("title", "description", config=SEARCH_CONFIG)

SORT_RELEVANCE = "relevance"
SORT_NEWEST = "newest"
SORT_PRICE_ASC = "price-asc"
SORT_PRICE_DESC = "price-desc"
SORT_TITLE = "title-asc"
SORT_ORDERINGS = {
    SORT_NEWEST: ("-date_created", "-pk"),
    SORT_PRICE_ASC: ("first_price", "pk"),
    SORT_PRICE_DESC: ("-first_price", "pk"),
    SORT_TITLE: ("title", "pk"),
}


def _approved_stockrecords() -> QuerySet:
    """Offers buyers may see: approved offers of approved vendors."""
    from vendors.models import VendorProfile

    return StockRecord.objects.filter(
        partner__vendor_profile__status=VendorProfile.Status.APPROVED,
        offer_status=StockRecord.OfferStatus.APPROVED,
    )


def product_queryset_for_listing(*, queryset: QuerySet | None = None) -> QuerySet:
    """Public, canonical products that an approved vendor sells, with all a product card shows.

    The product's approved offers are loaded with their partner and vendor
    profile, so the strategy picks the default offer (`BestOffer`) and the card
    shows the "from" price and number of enterprises without another query.
    `first_price` (used to sort by price) is the lowest offer price.
    """
    from vendors.selectors import product_queryset_for_storefront

    qs = queryset if queryset is not None else Product.objects.browsable()
    return (
        product_queryset_for_storefront(queryset=qs)
        .select_related("product_class")
        .annotate(
            has_product_class_options=Exists(Option.objects.filter(productclass=OuterRef("product_class"))),
            has_product_options=Exists(Option.objects.filter(product=OuterRef("pk"))),
            first_price=Subquery(
                _approved_stockrecords()
                .filter(product=OuterRef("pk"))
                .order_by("price", "pk")
                .values("price")[:1]
            ),
        )
        .prefetch_related(
            Prefetch(
                "stockrecords",
                queryset=StockRecord.objects.filter(offer_status=StockRecord.OfferStatus.APPROVED)
                .select_related("partner__vendor_profile")
                .order_by("pk"),
            ),
            Prefetch("images", queryset=ProductImage.objects.order_by("display_order", "pk")),
        )
    )


def product_queryset_for_detail() -> QuerySet:
    """A listing queryset plus what the product page shows: categories and attribute values.

    Options are not prefetched: the annotations say whether there are any, and
    Oscar's basket form loads them (one query) only for products that have some.
    """
    return product_queryset_for_listing().prefetch_related(
        Prefetch("categories", queryset=Category.objects.browsable().order_by("path")),
        Prefetch("attribute_values", queryset=ProductAttributeValue.objects.select_related("attribute")),
    )


def _product_user_facts(*, user) -> dict:
    """Annotations for what the product page asks about the product: approved reviews, and for a
    signed-in user whether they reviewed it or await its stock."""
    ProductReview = get_model("reviews", "ProductReview")
    ProductAlert = get_model("customer", "ProductAlert")
    approved = (
        ProductReview.objects.filter(product=OuterRef("pk"), status=ProductReview.APPROVED)
        .order_by()
        .values("product")
        .annotate(n=Count("pk"))
        .values("n")
    )
    facts: dict[str, Any] = {"approved_reviews": Coalesce(Subquery(approved), 0)}
    if getattr(user, "is_authenticated", False):
        facts.update(
            user_has_reviewed=Exists(ProductReview.objects.filter(product=OuterRef("pk"), user=user)),
            user_has_active_alert=Exists(
                ProductAlert.objects.filter(product=OuterRef("pk"), user=user, status=ProductAlert.ACTIVE)
            ),
        )
    return facts


def product_recommended_ids(*, product) -> list[int]:
    """The ids of the products recommended with `product`, best first."""
    return list(
        ProductRecommendation.objects.filter(primary=product)
        .order_by("-ranking", "pk")
        .values_list("recommendation_id", flat=True)
    )


def _product_for_detail_load(*, pk: int):
    """The product for the product page's cache, with the ids of its recommendations (best first)."""
    product = product_queryset_for_detail().filter(pk=pk).first()
    if product is not None:
        product.recommended_ids = product_recommended_ids(product=product)
    return product


def product_for_detail_page(*, pk: int, user):
    """The product page's product with what the page asks about it, or None if not in the storefront.

    The product with its offers, vendors, images, categories and attribute values is
    cached under the storefront version, which any change to them bumps; only the
    reviews count and the user's own facts are read on every request (one query). The ids of its
    recommendations are cached with it (ProductRecommendation changes bump the version too).
    """
    product = storefront_cache.cached(
        name=f"product-detail:{pk}", loader=lambda: _product_for_detail_load(pk=pk)
    )
    if product is None:
        return None
    facts = _product_user_facts(user=user)
    found = Product.objects.filter(pk=pk).annotate(**facts).values(*facts).first()
    if found is None:
        return None
    for name, value in found.items():
        setattr(product, name, value)
    return product


def product_user_facts_attach(*, product, user) -> None:
    """Let Oscar's review methods read the annotations instead of asking the database again."""
    if hasattr(product, "approved_reviews"):
        product.__dict__["num_approved_reviews"] = product.approved_reviews  # Oscar's cached_property
    if hasattr(product, "user_has_reviewed"):
        reviewed, reviewer_id = product.user_has_reviewed, user.pk

        def has_review_by(other, _product=product):
            if getattr(other, "pk", None) == reviewer_id:
                return reviewed
            return type(_product).has_review_by(_product, other)

        product.has_review_by = has_review_by


def product_search(*, queryset: QuerySet, query: str) -> QuerySet:
    """Products whose title, description, vendor or category matches `query`.

    PostgreSQL: Danish full-text search (stemmed, so "chokolader" finds
    "chokolade"), ranked; vendors and categories match by name through EXISTS
    so no product appears twice. SQLite (`make run`): case-insensitive
    substring matching on the same fields, Danish letters folded too
    (`foldcontains`, marketplace/text_folding.py).
    """
    query = query.strip()
    if not query:
        return queryset
    if connection.vendor == "postgresql":
        search_query = SearchQuery(query, config=SEARCH_CONFIG, search_type="websearch")
        vendor_match = (
            StockRecord.objects.filter(product=OuterRef("pk"))
            .annotate(name_vector=SearchVector("partner__name", config=SEARCH_CONFIG))
            .filter(name_vector=search_query)
        )
        matching_paths = list(
            Category.objects.annotate(name_vector=SearchVector("name", config=SEARCH_CONFIG))
            .filter(name_vector=search_query)
            .values_list("path", flat=True)
        )
        condition = Q(search_vector=search_query) | Q(Exists(vendor_match))
        if matching_paths:
            in_category = Q()
            for path in matching_paths:
                in_category |= Q(category__path__startswith=path)
            condition |= Q(
                Exists(Product.categories.through.objects.filter(product=OuterRef("pk")).filter(in_category))
            )
        return (
            queryset.annotate(search_vector=PRODUCT_SEARCH_VECTOR)
            .filter(condition)
            .annotate(rank=SearchRank(PRODUCT_SEARCH_VECTOR, search_query))
        )
    words = query.split()
    for word in words:
        queryset = queryset.filter(
            Q(title__foldcontains=word)
            | Q(description__foldcontains=word)
            | Exists(StockRecord.objects.filter(product=OuterRef("pk"), partner__name__foldcontains=word))
            | Exists(
                Product.categories.through.objects.filter(
                    product=OuterRef("pk"), category__name__foldcontains=word
                )
            )
        )
    return queryset


def product_filter(
    *,
    queryset: QuerySet,
    category=None,
    vendor_slug: str = "",
    rsov_only: bool = False,
    query: str = "",
    sort: str = "",
) -> QuerySet:
    """Apply the storefront's filters and sort order (all optional)."""
    if category is not None:
        queryset = queryset.filter(
            Exists(
                Product.categories.through.objects.filter(
                    product=OuterRef("pk"), category__path__startswith=category.path
                )
            )
        )
    approved = _approved_stockrecords()
    if vendor_slug:
        queryset = queryset.filter(
            Exists(approved.filter(product=OuterRef("pk"), partner__vendor_profile__slug=vendor_slug))
        )
    if rsov_only:
        queryset = queryset.filter(
            Exists(approved.filter(product=OuterRef("pk"), partner__vendor_profile__is_rsov=True))
        )
    queryset = product_search(queryset=queryset, query=query)
    if sort in SORT_ORDERINGS:
        return queryset.order_by(*SORT_ORDERINGS[sort])
    if query.strip() and connection.vendor == "postgresql":
        return queryset.order_by("-rank", "pk")
    return queryset.order_by("pk")


@dataclass(frozen=True)
class VendorChoice:
    slug: str
    name: str
    is_rsov: bool


def vendor_choices_for_filter() -> list[VendorChoice]:
    """Approved vendors for the filter menu; cached until a vendor changes."""

    def load():
        from vendors.models import VendorProfile

        return [
            VendorChoice(slug=v.slug, name=v.partner.name, is_rsov=v.is_rsov)
            for v in VendorProfile.objects.filter(status=VendorProfile.Status.APPROVED)
            .select_related("partner")
            .order_by("partner__name")
        ]

    return storefront_cache.cached(name="vendor-choices", loader=load)


@dataclass(frozen=True)
class CategoryChoice:
    pk: int
    name: str
    depth: int
    path: str
    url: str


def category_choices_for_menu() -> list[CategoryChoice]:
    """Every browsable category in tree order; cached until a category changes."""

    def load():
        return [
            CategoryChoice(pk=c.pk, name=c.name, depth=c.depth, path=c.path, url=c.get_absolute_url())
            for c in Category.objects.browsable().order_by("path")
        ]

    return storefront_cache.cached(name="category-menu", loader=load, per_language=True)


@dataclass(frozen=True)
class ProductOffer:
    """One vendor's offer of a product as the product page lists it."""

    stockrecord: object
    vendor: object
    purchase_info: object
    is_default: bool


def products_attach_purchase_info(*, products, strategy) -> None:
    """Price each product once with the request's strategy, and note its vendor and offers.

    Templates then read `product.purchase_info` and `product.vendor` (the
    default offer), `product.offers` (every sellable offer, best first),
    `product.offer_count` (enterprises offering it) and `product.from_price`
    (the lowest price incl. VAT) instead of asking the strategy again per tag.
    Works from the prefetched stock records: no query per product.
    """
    for product in products:
        product.purchase_info = strategy.fetch_for_product(product)
        record = product.purchase_info.stockrecord
        partner = record.partner if record is not None else None
        product.vendor = getattr(partner, "vendor_profile", None) if partner is not None else None
        ranked = strategy.offers_ranked(product) if hasattr(strategy, "offers_ranked") else []
        product.offers = [
            ProductOffer(
                stockrecord=offer,
                vendor=getattr(offer.partner, "vendor_profile", None),
                purchase_info=strategy.fetch_for_product(product, offer),
                is_default=record is not None and offer.pk == record.pk,
            )
            for offer in ranked
        ]
        product.offer_count = len({offer.stockrecord.partner_id for offer in product.offers})
        prices = [o.purchase_info.price.incl_tax for o in product.offers if o.purchase_info.price.exists]
        product.from_price = min(prices) if prices else None


class _CountedPaginator(Paginator):
    """A paginator whose number of objects is already known (from the listing cache)."""

    def __init__(self, *, count: int, per_page: int):
        super().__init__([], per_page)
        self._known_count = count

    @property
    def count(self) -> int:
        return self._known_count


class ProductsByPk(Sequence):
    """A page of listing products known by id, loaded and priced (in that order) only when read.

    A page whose product grid comes from the fragment cache (browse.html) never
    reads them, so it runs no product query at all.
    """

    def __init__(self, *, pks: list[int], strategy, queryset_factory: Callable[[], QuerySet] | None = None):
        self.pks = list(pks)
        self._strategy = strategy
        self._queryset_factory = queryset_factory or product_queryset_for_listing
        self._products: list | None = None

    def _load(self) -> list:
        if self._products is None:
            found = {p.pk: p for p in self._queryset_factory().filter(pk__in=self.pks)}
            products = [found[pk] for pk in self.pks if pk in found]
            products_attach_purchase_info(products=products, strategy=self._strategy)
            self._products = products
        return self._products

    def __len__(self) -> int:
        return len(self.pks) if self._products is None else len(self._products)

    def __bool__(self) -> bool:
        return bool(self.pks) if self._products is None else bool(self._products)

    def __getitem__(self, index):
        return self._load()[index]

    def __iter__(self):
        return iter(self._load())


def _listing_cache_name(*, filters: dict, category, per_page: int, number) -> str:
    wanted = [getattr(category, "pk", None), sorted(filters.items()), per_page, str(number)]
    return "listing:" + hashlib.sha1(json.dumps(wanted, default=str).encode()).hexdigest()


def product_listing_page(
    *,
    queryset_factory: Callable[[], QuerySet],
    filters: dict,
    category,
    number: int | str,
    per_page: int,
    strategy,
    by_pk_factory: Callable[[], QuerySet] | None = None,
) -> Page:
    """One page of a storefront listing: its products (priced by `strategy`) and the listing's count.

    The listing's count and the page's product ids are cached under the storefront
    version, which a change to a product, price, stock record, image, vendor or
    category bumps: a repeated page then runs neither the COUNT nor the listing
    query, and its products (`ProductsByPk`) are loaded only if its grid is not in
    the fragment cache either; `by_pk_factory` gives the queryset they are then loaded
    from (the catalogue's `product_queryset_for_listing` unless given). `filters` must
    name everything the listing depends on. `number` may be "last". Raises `InvalidPage`.
    """
    name = _listing_cache_name(filters=filters, category=category, per_page=per_page, number=number)
    version = None
    if storefront_cache.cache_seconds() > 0:
        version, stored = storefront_cache.current_get(name=name)
        if stored is not None:
            count, pks = stored
            paginator = _CountedPaginator(count=count, per_page=per_page)
            number = paginator.validate_number(paginator.num_pages if number == "last" else number)
            products = ProductsByPk(pks=pks, strategy=strategy, queryset_factory=by_pk_factory)
            return Page(products, number, paginator)
    listing = Paginator(queryset_factory(), per_page)
    page = listing.page(listing.num_pages if number == "last" else number)
    page.object_list = list(page.object_list)
    products_attach_purchase_info(products=page.object_list, strategy=strategy)
    if version is not None:
        value = (listing.count, [product.pk for product in page.object_list])
        storefront_cache.current_set(name=name, version=version, value=value)
    return page

"""Reads for gift baskets: design prices and problems, composer products, cart and order groups.

Every price comes from the Oscar strategy (stock records are excl. VAT; the
Danish strategy adds 25 % per unit), summed per unit x quantity exactly like
Oscar's basket lines, so the composer, the cart and the order agree to the øre.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import F, Prefetch, Q, prefetch_related_objects
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from oscar.core.loading import get_class, get_model

from vendors.models import VendorProfile

from .models import GIFT_BASKET_OPTION_CODE, BasketDesign, BasketDesignItem, BasketType, GiftBasketGroup

Product = get_model("catalogue", "Product")
Category = get_model("catalogue", "Category")
StockRecord = get_model("partner", "StockRecord")
Partner = get_model("partner", "Partner")
Option = get_model("catalogue", "Option")
LineAttribute = get_model("basket", "LineAttribute")
Selector = get_class("partner.strategy", "Selector")

ZERO = Decimal("0.00")

if TYPE_CHECKING:  # the concrete classes come from get_model (Oscar forks): typed by Oscar's bases
    from oscar.apps.catalogue.abstract_models import AbstractProduct
    from oscar.apps.partner.abstract_models import AbstractStockRecord


def default_strategy(*, request=None, user=None):
    return Selector().strategy(request=request, user=user)


def _stockrecords_prefetch():
    return Prefetch(
        "stockrecords",
        queryset=StockRecord.objects.select_related("partner__vendor_profile").order_by("pk"),
    )


def product_offer_queryset():
    """Products with everything the composer and the price need, in a fixed number of queries."""
    return Product.objects.select_related("product_class", "parent__product_class").prefetch_related(
        _stockrecords_prefetch(), "images"
    )


@dataclass
class PricedLine:
    """One product in a design (or its packaging), priced for one basket."""

    product: AbstractProduct
    quantity: int
    stockrecord: AbstractStockRecord | None
    unit_price_incl_tax: Decimal
    unit_price_excl_tax: Decimal
    num_available: int | None
    is_packaging: bool = False
    item: BasketDesignItem | None = None

    @property
    def line_price_incl_tax(self) -> Decimal:
        return self.unit_price_incl_tax * self.quantity

    @property
    def line_price_excl_tax(self) -> Decimal:
        return self.unit_price_excl_tax * self.quantity

    @property
    def partner(self):
        return self.stockrecord.partner if self.stockrecord else None

    @property
    def vendor_profile(self) -> VendorProfile | None:
        partner = self.partner
        return getattr(partner, "vendor_profile", None) if partner else None


@dataclass
class DesignSummary:
    design: BasketDesign
    basket_type: BasketType | None
    lines: list[PricedLine]
    packaging: PricedLine | None
    quantity: int
    problems: list[str] = field(default_factory=list)

    @property
    def item_count(self) -> int:
        return sum(line.quantity for line in self.lines)

    @property
    def components_incl_tax(self) -> Decimal:
        return sum((line.line_price_incl_tax for line in self.lines), ZERO)

    @property
    def packaging_incl_tax(self) -> Decimal:
        return self.packaging.line_price_incl_tax if self.packaging else ZERO

    @property
    def unit_price_incl_tax(self) -> Decimal:
        """Price of one basket: components plus packaging, VAT included."""
        return self.components_incl_tax + self.packaging_incl_tax

    @property
    def unit_price_excl_tax(self) -> Decimal:
        lines = self.lines + ([self.packaging] if self.packaging else [])
        return sum((line.line_price_excl_tax for line in lines), ZERO)

    @property
    def total_incl_tax(self) -> Decimal:
        return self.unit_price_incl_tax * self.quantity

    @property
    def can_add(self) -> bool:
        return not self.problems

    @property
    def products(self) -> list:
        """The basket's products, packaging left out (its picture is made of these)."""
        return [line.product for line in self.lines]

    @property
    def vendors(self) -> list[VendorProfile]:
        """The enterprises this basket supports, in the order they first appear."""
        seen = {}
        for line in self.lines:
            profile = line.vendor_profile
            if profile is not None and profile.pk not in seen:
                seen[profile.pk] = profile
        return list(seen.values())


def _priced(*, product, quantity, strategy, is_packaging=False, item=None) -> PricedLine:
    info = strategy.fetch_for_product(product)
    price = info.price
    num_available = getattr(info.availability, "num_available", None)
    return PricedLine(
        product=product,
        quantity=quantity,
        stockrecord=info.stockrecord,
        unit_price_incl_tax=price.incl_tax if price.exists else ZERO,
        unit_price_excl_tax=price.excl_tax if price.exists else ZERO,
        num_available=num_available,
        is_packaging=is_packaging,
        item=item,
    )


def design_items(*, design: BasketDesign) -> list[BasketDesignItem]:
    """Items with their products and stock records: two queries however many items there are."""
    if design.pk is None:
        return []
    items = list(
        BasketDesignItem.objects.filter(design=design)
        .select_related("product__product_class", "product__parent__product_class")
        .order_by("pk")
    )
    prefetch_related_objects([item.product for item in items], _stockrecords_prefetch())
    return items


def _basket_stock_in_use(*, basket) -> dict[int, int]:
    """Quantities per stock record already in the cart (they draw on the same stock)."""
    if basket is None or basket.pk is None:
        return {}
    used: dict[int, int] = defaultdict(int)
    for stockrecord_id, quantity in basket.lines.values_list("stockrecord_id", "quantity"):
        used[stockrecord_id] += quantity
    return used


def product_problem(*, product, stockrecord) -> str | None:
    """Why a product may not go into a gift basket at all, or None."""
    title = product.get_title()
    if not product.is_public or product.is_parent:
        return _("%(product)s is not for sale.") % {"product": title}
    if stockrecord is None:
        return _("%(product)s has no seller.") % {"product": title}
    profile = getattr(stockrecord.partner, "vendor_profile", None)
    if profile is None or profile.status != VendorProfile.Status.APPROVED:
        return _("%(product)s is sold by an enterprise that is not approved.") % {"product": title}
    if stockrecord.offer_status != StockRecord.OfferStatus.APPROVED:
        return _("%(product)s is not for sale.") % {"product": title}
    return None


def design_summary(
    *, design: BasketDesign, strategy, quantity: int = 1, basket=None, check_stock: bool = True
) -> DesignSummary:
    """Price a design and list every reason it cannot go into the cart `quantity` times.

    ``check_stock=False`` leaves stock out of the reasons: a bulk order is sourced across
    every enterprise's stock and capacity instead (procurement.sourcing).
    """
    basket_type = design.basket_type
    items = (
        list(
            BasketDesignItem.objects.filter(design=design)
            .select_related("product__product_class", "product__parent__product_class")
            .order_by("pk")
        )
        if design.pk
        else []
    )
    products = [item.product for item in items]
    packaging_product = basket_type.packaging_product if basket_type is not None else None
    if packaging_product is not None:
        products.append(packaging_product)
    # One query for every product's stock record (and vendor), packaging included; always
    # fresh, as the packaging product may be a cached instance that saw older stock.
    for product in products:
        getattr(product, "_prefetched_objects_cache", {}).pop("stockrecords", None)
    prefetch_related_objects(products, _stockrecords_prefetch())
    lines = [
        _priced(product=item.product, quantity=item.quantity, strategy=strategy, item=item) for item in items
    ]
    packaging = None
    if packaging_product is not None:
        packaging = _priced(product=packaging_product, quantity=1, strategy=strategy, is_packaging=True)
    summary = DesignSummary(
        design=design, basket_type=basket_type, lines=lines, packaging=packaging, quantity=quantity
    )
    summary.problems = _design_problems(summary=summary, basket=basket, check_stock=check_stock)
    return summary


def _design_problems(*, summary: DesignSummary, basket, check_stock: bool = True) -> list[str]:
    problems: list[str] = []
    basket_type = summary.basket_type
    quantity = summary.quantity
    if quantity < 1:
        problems.append(_("The number of baskets must be at least 1."))
    if basket_type is None:
        problems.append(_("Choose a basket type first."))
        return problems
    if not basket_type.is_available():
        problems.append(_("The basket type %(type)s is not available now.") % {"type": basket_type.name})

    count = summary.item_count
    if count < basket_type.min_items:
        missing = basket_type.min_items - count
        problems.append(
            ngettext(
                "Too few items: add %(count)d more (at least %(min)d).",
                "Too few items: add %(count)d more (at least %(min)d).",
                missing,
            )
            % {"count": missing, "min": basket_type.min_items}
        )
    if count > basket_type.max_items:
        problems.append(
            _("Too many items: %(count)d, at most %(max)d.") % {"count": count, "max": basket_type.max_items}
        )

    price = summary.unit_price_incl_tax
    if basket_type.min_budget is not None and price < basket_type.min_budget:
        problems.append(
            _("Under budget: the basket costs %(price)s kr., the minimum is %(min)s kr.")
            % {"price": _money(price), "min": _money(basket_type.min_budget)}
        )
    if basket_type.max_budget is not None and price > basket_type.max_budget:
        problems.append(
            _("Over budget: the basket costs %(price)s kr., the maximum is %(max)s kr.")
            % {"price": _money(price), "max": _money(basket_type.max_budget)}
        )

    if not basket_type.allow_mixing:
        classes = {line.product.get_product_class().pk for line in summary.lines}
        if len(classes) > 1:
            problems.append(
                _("The basket type %(type)s cannot mix food and non-food items.") % {"type": basket_type.name}
            )

    in_cart = _basket_stock_in_use(basket=basket)
    for line in summary.lines:
        problem = product_problem(product=line.product, stockrecord=line.stockrecord)
        if problem:
            problems.append(problem)
            continue
        if check_stock:
            problems.extend(_stock_problem(line=line, quantity=quantity, in_cart=in_cart))

    packaging = summary.packaging
    if packaging is None or packaging.stockrecord is None:
        problems.append(_("The packaging for %(type)s cannot be bought.") % {"type": basket_type.name})
    else:
        profile = packaging.vendor_profile
        if profile is None or not profile.is_hub:
            problems.append(_("The packaging must be supplied by the packing hub."))
        if check_stock:
            problems.extend(_stock_problem(line=packaging, quantity=quantity, in_cart=in_cart))
    return problems


def _stock_problem(*, line: PricedLine, quantity: int, in_cart: dict[int, int]) -> list[str]:
    if line.num_available is None or line.stockrecord is None:
        return []
    needed = line.quantity * max(quantity, 1) + in_cart.get(line.stockrecord.pk, 0)
    if needed <= line.num_available:
        return []
    title = line.product.get_title()
    if line.num_available <= 0:
        return [_("%(product)s is out of stock.") % {"product": title}]
    return [
        _("Not enough %(product)s in stock: %(needed)d needed, %(available)d available.")
        % {"product": title, "needed": needed, "available": line.num_available}
    ]


def _money(value: Decimal) -> str:
    return f"{value:.2f}".replace(".", ",")


# --- The composer's product list --------------------------------------------------


def composer_products(
    *,
    category=None,
    vendor: str = "",
    rsov_only: bool = False,
    price_min: Decimal | None = None,
    price_max: Decimal | None = None,
    in_stock_only: bool = False,
    query: str = "",
    packaging_ids=(),
):
    """Public products of approved vendors, filtered; prices in the filter are incl. VAT."""
    from django.conf import settings

    products = (
        product_offer_queryset()
        .filter(is_public=True)
        .exclude(structure=Product.PARENT)
        .exclude(pk__in=packaging_ids)
        .filter(
            stockrecords__partner__vendor_profile__status=VendorProfile.Status.APPROVED,
            stockrecords__offer_status=StockRecord.OfferStatus.APPROVED,
        )
    )
    if category is not None:
        categories = Category.get_tree(category)
        products = products.filter(categories__in=categories)
    if vendor:
        products = products.filter(stockrecords__partner__code=vendor)
    if rsov_only:
        products = products.filter(stockrecords__partner__vendor_profile__is_rsov=True)
    factor = 1 + settings.VAT_RATE
    if price_min is not None:
        products = products.filter(stockrecords__price__gte=(price_min / factor).quantize(Decimal("0.01")))
    if price_max is not None:
        products = products.filter(stockrecords__price__lte=price_max / factor)
    if in_stock_only:
        products = products.filter(
            Q(stockrecords__num_in_stock__gt=F("stockrecords__num_allocated"))
            | Q(stockrecords__num_allocated__isnull=True, stockrecords__num_in_stock__gt=0)
        )
    if query:
        products = products.filter(title__foldcontains=query)
    return products.distinct().order_by("title")


def composer_products_page(*, filters: dict, number, per_page: int, strategy):
    """One page of `composer_products(**filters)`, priced, with the count; like `Paginator.get_page`.

    The count and the page's product ids come from the storefront's listing cache
    (bumped by any product, price, stock, vendor, category or basket type change); a
    page whose rows are in the fragment cache then loads no product at all. A page
    number that is not a number gives the first page, one past the end the last.
    """
    from django.core.paginator import EmptyPage, PageNotAnInteger

    from marketplace.oscar_apps.catalogue.selectors import product_listing_page

    packaging_ids = sorted(strategy.packaging_product_ids())

    def page_of(page_number):
        return product_listing_page(
            queryset_factory=lambda: composer_products(**filters, packaging_ids=packaging_ids),
            filters={"listing": "composer", "packaging": packaging_ids, **filters},
            category=filters.get("category"),
            number=page_number,
            per_page=per_page,
            strategy=strategy,
            by_pk_factory=product_offer_queryset,
        )

    # Django's own page-number checks, answered as `Paginator.get_page` answers them.
    try:
        return page_of(number or 1)
    except PageNotAnInteger:
        return page_of(1)
    except EmptyPage:
        return page_of("last")


def composer_vendors():
    return (
        Partner.objects.filter(vendor_profile__status=VendorProfile.Status.APPROVED)
        .select_related("vendor_profile")
        .order_by("name")
    )


def composer_categories():
    return Category.objects.filter(is_public=True).order_by("path")


def basket_types_available():
    return BasketType.objects.active().select_related("packaging_product")


def published_designs():
    return (
        BasketDesign.objects.filter(is_published=True, basket_type__isnull=False)
        .select_related("basket_type")
        .order_by("name")
    )


# --- Groups in a cart and in an order ------------------------------------------------


@dataclass
class CartGroup:
    group: GiftBasketGroup
    lines: list = field(default_factory=list)

    @property
    def quantity(self) -> int:
        return self.group.quantity

    @property
    def name(self) -> str:
        return self.group.name

    @property
    def total_incl_tax(self) -> Decimal:
        return sum((line.line_price_incl_tax for line in self.lines), ZERO)

    @property
    def total_excl_tax(self) -> Decimal:
        return sum((line.line_price_excl_tax for line in self.lines), ZERO)

    @property
    def unit_price_incl_tax(self) -> Decimal:
        return self.total_incl_tax / self.quantity if self.quantity else ZERO

    @property
    def products(self) -> list:
        """The basket's products, packaging left out (its picture is made of these)."""
        packaging_id = self.group.basket_type.packaging_product_id
        return [line.product for line in self.lines if line.product_id != packaging_id]

    @property
    def components(self) -> list[dict]:
        """Per-basket contents: product, quantity in one basket, vendor, packaging flag."""
        packaging_id = self.group.basket_type.packaging_product_id
        return [
            {
                "line": line,
                "product": line.product,
                "quantity": line.quantity // self.quantity if self.quantity else line.quantity,
                "partner": line.stockrecord.partner if line.stockrecord_id else None,
                "is_packaging": line.product_id == packaging_id,
            }
            for line in self.lines
        ]


def _line_reference_value(line, option_id) -> str | None:
    """The line's gift-basket reference: by option id, or by code when the options came with the lines."""
    for attribute in line.attributes.all():
        if option_id is None:
            if attribute.option.code == GIFT_BASKET_OPTION_CODE:
                return attribute.value
        elif attribute.option_id == option_id:
            return attribute.value
    return None


def _line_options_loaded(lines) -> bool:
    """True when every line attribute's option was prefetched (the layout's basket lines are)."""
    descriptor = LineAttribute.option
    return all(descriptor.is_cached(attribute) for line in lines for attribute in line.attributes.all())


def basket_gift_basket_groups(*, basket, lines=None) -> list[CartGroup]:
    """The gift baskets in an Oscar basket, each with its lines (found via the line option)."""
    if lines is None:
        if basket is None or basket.pk is None:
            return []
        lines = (
            basket.lines.select_related("product", "stockrecord__partner")
            .prefetch_related("attributes")
            .order_by("pk")
        )
    option_id = None
    if not _line_options_loaded(lines):
        option_id = Option.objects.filter(code=GIFT_BASKET_OPTION_CODE).values_list("pk", flat=True).first()
    by_reference: dict[str, list] = defaultdict(list)
    for line in lines:
        reference = _line_reference_value(line, option_id)
        if reference:
            by_reference[reference].append(line)
    if not by_reference:
        return []
    groups = GiftBasketGroup.objects.filter(reference__in=list(by_reference)).select_related("basket_type")
    return [CartGroup(group=group, lines=by_reference[group.reference]) for group in groups]


@dataclass
class OrderGiftBasketGroup:
    """One gift basket in a placed order, for confirmation pages, pick lists and assembly plans."""

    reference: str
    name: str
    quantity: int
    gift_message: str
    group: GiftBasketGroup | None
    lines: list
    packaging_lines: list

    @property
    def price_incl_tax(self) -> Decimal:
        return sum((line.line_price_before_discounts_incl_tax for line in self.lines), ZERO)

    @property
    def price_excl_tax(self) -> Decimal:
        return sum((line.line_price_before_discounts_excl_tax for line in self.lines), ZERO)

    @property
    def unit_price_incl_tax(self) -> Decimal:
        return self.price_incl_tax / self.quantity if self.quantity else ZERO

    @property
    def lines_by_partner(self) -> list[tuple[object, list]]:
        """[(partner, [order lines])], hub packaging included, in first-seen order."""
        grouped: dict[int, tuple[object, list]] = {}
        for line in self.lines:
            grouped.setdefault(line.partner_id, (line.partner, []))[1].append(line)
        return list(grouped.values())

    def per_basket_quantity(self, line) -> int:
        return line.quantity // self.quantity if self.quantity else line.quantity


def order_gift_basket_groups(*, order) -> list[OrderGiftBasketGroup]:
    """The gift baskets of a placed order; lines without a group are not included."""
    lines = (
        order.lines.select_related("product", "partner", "stockrecord")
        .prefetch_related("attributes")
        .order_by("pk")
    )
    by_reference: dict[str, list] = defaultdict(list)
    for line in lines:
        for attribute in line.attributes.all():
            if attribute.type == GIFT_BASKET_OPTION_CODE:
                by_reference[attribute.value].append(line)
    if not by_reference:
        return []
    groups = {
        group.reference: group
        for group in GiftBasketGroup.objects.filter(reference__in=list(by_reference)).select_related(
            "basket_type"
        )
    }
    result = []
    for reference, group_lines in by_reference.items():
        group = groups.get(reference)
        packaging_id = group.basket_type.packaging_product_id if group else None
        result.append(
            OrderGiftBasketGroup(
                reference=reference,
                name=group.name if group else reference,
                quantity=group.quantity if group else 1,
                gift_message=group.gift_message if group else "",
                group=group,
                lines=group_lines,
                packaging_lines=[line for line in group_lines if line.product_id == packaging_id],
            )
        )
    return result

"""Danish pricing: stock records hold prices excluding VAT, buyers see 25 % VAT on top.

A product may be offered by several vendors (one stock record each). The
default offer is chosen by `BestOffer`, never by table order; the buyer may
choose another one on the product page, and a basket line keeps the offer it
was added with.
"""

from contextlib import contextmanager
from decimal import Decimal

from django.apps import apps
from django.conf import settings
from oscar.apps.partner import availability, strategy


class Selector:
    def strategy(self, request=None, user=None, **kwargs):
        return DanishVAT(request)


class ApprovedVendorsOnly:
    """Stock of a vendor that is not approved (e.g. suspended), or an offer not approved, cannot be bought.

    The set of blocked partners is read once per strategy, i.e. once per
    request, so listings do not pay a query per product. Partners without a
    vendor profile are not blocked.
    """

    _blocked_partner_ids = None

    def blocked_partner_ids(self) -> set[int]:
        if self._blocked_partner_ids is None:
            from marketplace.storefront_cache import cached
            from vendors.selectors import blocked_partner_ids

            # From the storefront cache: a vendor's status change bumps its version.
            self._blocked_partner_ids = cached(name="blocked-partners", loader=blocked_partner_ids)
        return self._blocked_partner_ids

    def offer_is_sellable(self, stockrecord) -> bool:
        return (
            stockrecord is not None
            and stockrecord.offer_status == stockrecord.OfferStatus.APPROVED
            and stockrecord.partner_id not in self.blocked_partner_ids()
            and stockrecord.price is not None
        )

    def availability_policy(self, product, stockrecord):
        if stockrecord and not self.offer_is_sellable(stockrecord):
            return availability.Unavailable()
        return super().availability_policy(product, stockrecord)


class PublicProductsOnly:
    """A product buyers cannot see (hidden, or awaiting staff approval) cannot be bought.

    Oscar's strategies ignore `is_public`, so a POST to /basket/add/<pk>/ put any
    product in the cart. The one exception is a basket type's packaging product: it
    is hidden from the catalogue on purpose and sold only inside a gift basket.
    The packaging ids are read once per strategy, and only when a hidden product
    is priced.
    """

    _packaging_product_ids = None

    def packaging_product_ids(self) -> set[int]:
        if self._packaging_product_ids is None:
            from marketplace.storefront_cache import cached

            basket_type = apps.get_model("giftbaskets", "BasketType")
            # From the storefront cache (values there expire within seconds): every
            # signed-in page with a gift basket in the cart prices its packaging line.
            self._packaging_product_ids = cached(
                name="packaging-products",
                loader=lambda: set(basket_type.objects.values_list("packaging_product_id", flat=True)),
            )
        return self._packaging_product_ids

    def product_is_public(self, product) -> bool:
        if product.is_public and (product.parent_id is None or product.parent.is_public):
            return True
        return product.pk in self.packaging_product_ids()

    def availability_policy(self, product, stockrecord):
        if not self.product_is_public(product):
            return availability.Unavailable()
        return super().availability_policy(product, stockrecord)

    def parent_availability_policy(self, product, children_stock):
        if not self.product_is_public(product):
            return availability.Unavailable()
        return super().parent_availability_policy(product, children_stock)


def _stockrecords_with_vendor(product) -> list:
    """The product's stock records with partner and vendor profile (the prefetched rows if any)."""
    if "stockrecords" in getattr(product, "_prefetched_objects_cache", {}):
        return list(product.stockrecords.all())
    return list(product.stockrecords.select_related("partner__vendor_profile"))


def _is_rsov(stockrecord) -> bool:
    profile = getattr(stockrecord.partner, "vendor_profile", None)
    return bool(profile and profile.is_rsov)


class BestOffer:
    """The default offer of a product, replacing Oscar's UseFirstStockRecord.

    Among the product's offers: first those that can be sold (approved offer of
    an approved vendor, with a price), then those in stock (or not tracking
    stock); among those the lowest price; on a tie an RSØV-registered vendor,
    then the most units available, then the oldest offer (lowest id). Table or
    prefetch order never decides.

    `offer_chosen` pins the buyer's choice for one product while Oscar's
    basket adds the line, so the line gets that offer's stock record and price.
    """

    def select_stockrecord(self, product):
        chosen = getattr(self, "_chosen_offers", {}).get(product.pk)
        if chosen is not None:
            return chosen
        records = _stockrecords_with_vendor(product)
        if not records:
            return None
        track_stock = product.get_product_class().track_stock
        return min(records, key=lambda record: self.offer_rank(record, track_stock=track_stock))

    def offer_rank(self, record, *, track_stock: bool) -> tuple:
        available = (record.net_stock_level or 0) if track_stock else 0
        return (
            not self.offer_is_sellable(record),
            track_stock and available <= 0,
            record.price if record.price is not None else Decimal("Infinity"),
            not _is_rsov(record),
            -available,
            record.pk,
        )

    def offers_ranked(self, product) -> list:
        """Every sellable offer of the product, best first (the order the product page lists them)."""
        track_stock = product.get_product_class().track_stock
        records = [r for r in _stockrecords_with_vendor(product) if self.offer_is_sellable(r)]
        return sorted(records, key=lambda record: self.offer_rank(record, track_stock=track_stock))

    @contextmanager
    def offer_chosen(self, *, product, stockrecord):
        chosen = self.__dict__.setdefault("_chosen_offers", {})
        chosen[product.pk] = stockrecord
        try:
            yield
        finally:
            chosen.pop(product.pk, None)

    def fetch_for_line(self, line, stockrecord=None):
        # Oscar's Base ignores the line's stock record and would price the line
        # from the default offer: a line keeps the offer the buyer chose.
        return self.fetch_for_product(line.product, stockrecord or line.stockrecord)


class DanishVAT(
    PublicProductsOnly,
    ApprovedVendorsOnly,
    BestOffer,
    strategy.StockRequired,
    strategy.FixedRateTax,
    strategy.Structured,
):
    """Consumer prices include 25 % moms, rounded to the øre."""

    rate = settings.VAT_RATE
    exponent = Decimal("0.01")

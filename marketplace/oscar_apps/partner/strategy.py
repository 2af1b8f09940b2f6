"""Danish pricing: stock records hold prices excluding VAT, buyers see 25 % VAT on top."""

from decimal import Decimal

from django.apps import apps
from django.conf import settings
from oscar.apps.partner import availability, strategy


class Selector:
    def strategy(self, request=None, user=None, **kwargs):
        return DanishVAT(request)


class ApprovedVendorsOnly:
    """Stock of a vendor that is not approved (e.g. suspended) cannot be bought.

    The set of blocked partners is read once per strategy, i.e. once per
    request, so listings do not pay a query per product. Partners without a
    vendor profile are not blocked.
    """

    _blocked_partner_ids = None

    def blocked_partner_ids(self) -> set[int]:
        if self._blocked_partner_ids is None:
            from marketplace.oscar_apps.catalogue.storefront_cache import cached
            from vendors.selectors import blocked_partner_ids

            # From the storefront cache: a vendor's status change bumps its version.
            self._blocked_partner_ids = cached(name="blocked-partners", loader=blocked_partner_ids)
        return self._blocked_partner_ids

    def availability_policy(self, product, stockrecord):
        if stockrecord and stockrecord.partner_id in self.blocked_partner_ids():
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
            basket_type = apps.get_model("giftbaskets", "BasketType")
            self._packaging_product_ids = set(
                basket_type.objects.values_list("packaging_product_id", flat=True)
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


class DanishVAT(
    PublicProductsOnly,
    ApprovedVendorsOnly,
    strategy.UseFirstStockRecord,
    strategy.StockRequired,
    strategy.FixedRateTax,
    strategy.Structured,
):
    """Consumer prices include 25 % moms, rounded to the øre."""

    rate = settings.VAT_RATE
    exponent = Decimal("0.01")

    def fetch_for_line(self, line, stockrecord=None):
        """A basket line is priced from the offer (stock record) it was added with.

        Oscar's default asks the product again for its first stock record: a
        query per line, and not necessarily the offer the buyer chose.
        """
        return self.fetch_for_product(line.product, stockrecord=stockrecord or line.stockrecord)

"""Danish pricing: stock records hold prices excluding VAT, buyers see 25 % VAT on top."""

from decimal import Decimal

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
            from vendors.selectors import blocked_partner_ids

            self._blocked_partner_ids = blocked_partner_ids()
        return self._blocked_partner_ids

    def availability_policy(self, product, stockrecord):
        if stockrecord and stockrecord.partner_id in self.blocked_partner_ids():
            return availability.Unavailable()
        return super().availability_policy(product, stockrecord)


class DanishVAT(
    ApprovedVendorsOnly,
    strategy.UseFirstStockRecord,
    strategy.StockRequired,
    strategy.FixedRateTax,
    strategy.Structured,
):
    """Consumer prices include 25 % moms, rounded to the øre."""

    rate = settings.VAT_RATE
    exponent = Decimal("0.01")

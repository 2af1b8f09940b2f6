"""Danish pricing: stock records hold prices excluding VAT, buyers see 25 % VAT on top."""

from decimal import Decimal

from django.conf import settings
from oscar.apps.partner import strategy


class Selector:
    def strategy(self, request=None, user=None, **kwargs):
        return DanishVAT(request)


class DanishVAT(
    strategy.UseFirstStockRecord,
    strategy.StockRequired,
    strategy.FixedRateTax,
    strategy.Structured,
):
    """Consumer prices include 25 % moms, rounded to the øre."""

    rate = settings.VAT_RATE
    exponent = Decimal("0.01")

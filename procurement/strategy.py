"""Oscar pricing strategy for bulk orders: the Danish VAT strategy with the volume discount.

The discount lowers each stock record's price before VAT is added, so every
order line (and therefore each vendor's share) carries its discounted price.
Unit prices incl. VAT are rounded to 5 øre, which makes the price excl. VAT a
multiple of 4 øre and 25 % VAT exact on every unit: lines, vendor shares and
the invoice (VAT rounded once on the total) then add up to the øre.
"""

from decimal import Decimal

from oscar.apps.partner.prices import FixedPrice
from oscar.apps.partner.prices import Unavailable as UnavailablePrice

from marketplace.money import five_ore_round
from marketplace.oscar_apps.partner.strategy import DanishVAT


def discounted(price_excl_tax: Decimal, discount_percent: Decimal, vat_rate: Decimal) -> Decimal:
    """The unit price excl. VAT after the discount, such that the price incl. VAT is whole 5 øre."""
    factor = (Decimal("100") - discount_percent) / Decimal("100")
    incl = price_excl_tax * factor * (1 + vat_rate)
    return five_ore_round(incl) / (1 + vat_rate)


class VolumeDiscountVAT(DanishVAT):
    """``item_prices`` ({product id: price excl. VAT}) prices every offer of a sourced item alike.

    A bulk order's item can be supplied by several enterprises; the municipality pays the one
    price it was quoted (the default offer's), whichever enterprise delivers a unit.
    """

    def __init__(self, request=None, *, discount_percent: Decimal = Decimal("0"), item_prices=None):
        super().__init__(request)
        self.discount_percent = discount_percent
        self.item_prices = dict(item_prices or {})

    def pricing_policy(self, product, stockrecord):
        if not stockrecord or stockrecord.price is None:
            return UnavailablePrice()
        rate = self.get_rate(product, stockrecord)
        price = self.item_prices.get(product.pk, stockrecord.price)
        excl = discounted(price, self.discount_percent, rate).quantize(self.exponent)
        tax = (excl * rate).quantize(self.exponent)
        return FixedPrice(currency=stockrecord.price_currency, excl_tax=excl, tax=tax)

"""The price freeze: what the buyer agreed to pay at "Pay", and the strategy that places the order at it."""

from __future__ import annotations

from decimal import Decimal

from oscar.apps.partner.prices import FixedPrice
from oscar.apps.partner.strategy import PurchaseInfo


def _priced_basket(*, basket, shipping_charge, total) -> dict:
    """What the buyer agrees to pay when pressing "Pay": each line's unit price, delivery, total."""
    return {
        "lines": {
            str(line.pk): {"excl": str(line.unit_price_excl_tax), "tax": str(line.unit_tax)}
            for line in basket.all_lines()
        },
        "shipping": {"excl": str(shipping_charge.excl_tax), "incl": str(shipping_charge.incl_tax)},
        "total": str(total.incl_tax),
    }


class FrozenPrices:
    """The buyer's pricing strategy, except that each line costs what it did at "Pay".

    A vendor may change a price while the buyer is on Stripe's page; the order must
    be placed at the price that was charged, and payouts follow the order lines.
    """

    def __init__(self, *, strategy, lines: dict[str, dict]):
        self._strategy = strategy
        self._lines = lines

    def __getattr__(self, name):
        return getattr(self._strategy, name)

    def fetch_for_line(self, line, stockrecord=None):
        info = self._strategy.fetch_for_line(line, stockrecord)
        frozen = self._lines.get(str(line.pk))
        if frozen is None:
            return info
        price = FixedPrice(
            currency=info.price.currency, excl_tax=Decimal(frozen["excl"]), tax=Decimal(frozen["tax"])
        )
        return PurchaseInfo(price=price, availability=info.availability, stockrecord=info.stockrecord)

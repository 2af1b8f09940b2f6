"""The two ways a Fælleskurv order reaches the buyer: collect at the hub, or delivery."""

from decimal import ROUND_HALF_UP, Decimal

from django.apps import apps
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from oscar.apps.shipping import methods
from oscar.core import prices

from baskets.models import GIFT_BASKET_OPTION_CODE


class CollectAtHub(methods.Free):
    code = "collect-at-hub"
    name = _("Collect at the hub (free)")
    description = _("Pick up your order at the packing hub in Aarhus when we e-mail you that it is ready.")


def basket_gift_basket_count(basket) -> int:
    """How many gift baskets the cart holds: one per group copy, or 1 for an order of loose items.

    Groups are the composer's lines sharing a "gift-basket" option value; when the
    giftbaskets app knows a group's quantity (copies), each copy counts.
    """
    references = set()
    for line in basket.all_lines():
        for attribute in line.attributes.all():
            if attribute.option.code == GIFT_BASKET_OPTION_CODE and attribute.value:
                references.add(str(attribute.value))
    if not references:
        return 1
    group_model = apps.get_model("giftbaskets", "GiftBasketGroup")
    quantities = dict(
        group_model.objects.filter(basket_id=basket.id, reference__in=references).values_list(
            "reference", "quantity"
        )
    )
    return max(sum(quantities.get(ref, 1) for ref in references), 1)


class Delivery(methods.Base):
    """Delivery to the buyer's address, priced per gift basket (settings, incl. VAT)."""

    code = "delivery"
    name = _("Delivery to your address")
    is_tax_known = True

    @property
    def description(self):
        return _("%(price)s kr. per gift basket, delivered in Denmark.") % {
            "price": f"{self.price_per_basket:.2f}".replace(".", ",")
        }

    @property
    def price_per_basket(self) -> Decimal:
        return Decimal(settings.MARKETPLACE_DELIVERY_PRICE_PER_BASKET)

    def calculate(self, basket):
        incl_tax = self.price_per_basket * basket_gift_basket_count(basket)
        excl_tax = (incl_tax / (1 + settings.VAT_RATE)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
        return prices.Price(currency=basket.currency, excl_tax=excl_tax, incl_tax=incl_tax)

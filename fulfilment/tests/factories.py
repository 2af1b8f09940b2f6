"""Orders placed the way checkout places them: an Oscar basket through OrderCreator.

Gift baskets are marked like the composer marks them: every line of a basket
carries the same value of the "gift-basket" Oscar Option.
"""

from decimal import Decimal

from django.db import transaction
from oscar.apps.shipping.methods import FixedPrice
from oscar.core.loading import get_class, get_model

Basket = get_model("basket", "Basket")
Option = get_model("catalogue", "Option")
Product = get_model("catalogue", "Product")
ProductClass = get_model("catalogue", "ProductClass")
StockRecord = get_model("partner", "StockRecord")
Partner = get_model("partner", "Partner")
ShippingAddress = get_model("order", "ShippingAddress")
Country = get_model("address", "Country")
OrderCreator = get_class("order.utils", "OrderCreator")
OrderTotalCalculator = get_class("checkout.calculators", "OrderTotalCalculator")
Selector = get_class("partner.strategy", "Selector")

PACKAGING_SKU = "VB-EMB-TEST"


def gift_basket_option():
    option, _created = Option.objects.get_or_create(
        code="gift-basket", defaults={"name": "Gavekurv", "type": Option.TEXT, "required": False}
    )
    return option


def hub_packaging_product():
    """A packaging product sold by the hub (Verdensbutikken), like a basket type's packaging."""
    record = StockRecord.objects.filter(partner_sku=PACKAGING_SKU).select_related("product").first()
    if record:
        return record.product
    product = Product.objects.create(
        upc=PACKAGING_SKU,
        title="Gavekurv i flet med silkepapir",
        product_class=ProductClass.objects.get(name="Brugskunst"),
        is_public=False,
    )
    StockRecord.objects.create(
        product=product,
        partner=Partner.objects.get(code="verdensbutikken"),
        partner_sku=PACKAGING_SKU,
        price=Decimal("39.96"),
        num_in_stock=100000,
    )
    return product


def product(sku: str):
    return StockRecord.objects.select_related("product").get(partner_sku=sku).product


def place_order(
    *,
    baskets: list[tuple[str, list[tuple[str, int]]]] = (),
    loose: list[tuple[str, int]] = (),
    packaging: bool = True,
    shipping_incl_tax: Decimal = Decimal("49.00"),
    user=None,
    number: str | None = None,
):
    """Place an order with gift baskets [(reference, [(sku, qty), ...])] and loose items.

    Each gift basket gets one hub packaging line when `packaging` is set.
    """
    basket = Basket.objects.create(owner=user)
    basket.strategy = Selector().strategy()
    option = gift_basket_option()
    for reference, items in baskets:
        options = [{"option": option, "value": reference}]
        for sku, quantity in items:
            basket.add_product(product(sku), quantity, options=options)
        if packaging:
            basket.add_product(hub_packaging_product(), 1, options=options)
    for sku, quantity in loose:
        basket.add_product(product(sku), quantity)
    basket.reset_offer_applications()
    shipping_excl = (shipping_incl_tax / Decimal("1.25")).quantize(Decimal("0.01"))
    method = FixedPrice(charge_excl_tax=shipping_excl, charge_incl_tax=shipping_incl_tax)
    charge = method.calculate(basket)
    total = OrderTotalCalculator().calculate(basket, charge)
    address = ShippingAddress.objects.create(
        first_name="Karen",
        last_name="Blixen",
        line1="Rungstedvej 111",
        line4="Rungsted Kyst",
        postcode="2960",
        country=Country.objects.get(iso_3166_1_a2="DK"),
    )
    with transaction.atomic():
        order = OrderCreator().place_order(
            basket=basket,
            total=total,
            shipping_method=method,
            shipping_charge=charge,
            user=user,
            shipping_address=address,
            order_number=number,
        )
    basket.submit()
    order.refresh_from_db()
    return order

"""Demo gift baskets: packaging sold by the hub, basket types and ready-made baskets.

Appended to marketplace.demo.SEED_STEPS; rows are found by stable keys (UPC,
slug), so seeding twice changes nothing.
"""

from dataclasses import dataclass
from decimal import Decimal

from oscar.core.loading import get_model

from marketplace.demo import product_image_attach, stock_record_ensure

from .models import BasketDesign, BasketDesignItem, BasketType

Partner = get_model("partner", "Partner")
Product = get_model("catalogue", "Product")
ProductClass = get_model("catalogue", "ProductClass")

HUB_CODE = "verdensbutikken"
PACKAGING_CLASS = "Emballage"


@dataclass(frozen=True)
class Packaging:
    sku: str
    title: str
    price_incl_vat: str
    stock: int


PACKAGING = (
    Packaging("VB-PAK-AESKE", "Gaveæske i genbrugspap, pakket og samlet", "39.00", 500),
    Packaging("VB-PAK-KURV", "Flettet gavekurv, pakket og samlet", "49.00", 400),
    Packaging("VB-PAK-JUL", "Stor julekurv med bånd, pakket og samlet", "89.00", 300),
)


@dataclass(frozen=True)
class DemoType:
    slug: str
    name: str
    description: str
    packaging_sku: str
    min_items: int
    max_items: int
    min_budget: str | None
    max_budget: str | None
    allow_mixing: bool
    order: int


TYPES = (
    DemoType(
        "lille-gaveaeske",
        "Lille gaveæske",
        "En lille hilsen: to til fire gode ting i en æske af genbrugspap.",
        "VB-PAK-AESKE",
        2,
        4,
        None,
        "350.00",
        True,
        1,
    ),
    DemoType(
        "gavekurv",
        "Gavekurv",
        "Den klassiske flettede kurv med tre til otte ting fra flere virksomheder.",
        "VB-PAK-KURV",
        3,
        8,
        "250.00",
        "900.00",
        True,
        2,
    ),
    DemoType(
        "madkurv",
        "Madkurv",
        "Kun mad og drikke: til den der har alt andet.",
        "VB-PAK-KURV",
        3,
        8,
        "250.00",
        "800.00",
        False,
        3,
    ),
    DemoType(
        "stor-julekurv",
        "Stor julekurv",
        "Den store kurv til jul med fem til tolv ting.",
        "VB-PAK-JUL",
        5,
        12,
        "500.00",
        "1600.00",
        True,
        4,
    ),
)


@dataclass(frozen=True)
class DemoDesign:
    slug: str
    name: str
    type_slug: str
    description: str
    gift_message: str
    items: tuple[tuple[str, int], ...]


DESIGNS = (
    DemoDesign(
        "julekurv-fra-aarhus",
        "Julekurv fra Aarhus",
        "stor-julekurv",
        "Julekaffe, småkager, rødvin, kronelys og en vævet bordløber: julen fra seks værksteder.",
        "Glædelig jul!",
        (
            ("RR-JUL-01", 1),
            ("SB-SMA-01", 1),
            ("SB-PEB-01", 1),
            ("HF-VIN-01", 1),
            ("LP-KRO-01", 1),
            ("TV-LOB-01", 1),
            ("VB-CHOK-01", 1),
        ),
    ),
    DemoDesign(
        "kaffestund",
        "Kaffestund",
        "gavekurv",
        "Espresso fra Odense, vaniljekranse fra Vejle, chokolade og et hørviskestykke.",
        "",
        (("RR-KAF-01", 1), ("SB-VAN-01", 1), ("VB-CHOK-02", 1), ("TV-VIS-01", 1)),
    ),
    DemoDesign(
        "den-groenne-madkurv",
        "Den grønne madkurv",
        "madkurv",
        "Økologisk honning og marmelade, surdejsrugbrød, te og kaffe.",
        "",
        (("HF-MARM-01", 1), ("HF-HON-01", 1), ("SB-RUG-01", 1), ("VB-TE-01", 1), ("RR-KAF-02", 1)),
    ),
    DemoDesign(
        "hyggekurv-til-vinteren",
        "Hyggekurv til vinteren",
        "gavekurv",
        "Bivokslys, sengesokker, chai og honningkager til de mørke aftener.",
        "",
        (("LP-BIV-01", 1), ("TV-SOK-01", 1), ("RR-CHAI-01", 1), ("SB-HON-01", 1), ("VB-MANG-01", 1)),
    ),
)


def _packaging_products() -> dict[str, object]:
    hub = Partner.objects.get(code=HUB_CODE)
    product_class, _created = ProductClass.objects.get_or_create(
        name=PACKAGING_CLASS, defaults={"requires_shipping": True, "track_stock": True}
    )
    products = {}
    for item in PACKAGING:
        product = Product.objects.filter(upc=item.sku).first()
        if product is None:
            product = Product.objects.create(
                upc=item.sku,
                title=item.title,
                description="Emballage, pakning og samling af gavekurven hos Verdensbutikken Fællesskab.",
                product_class=product_class,
                # Sold only as part of a gift basket, never on its own.
                is_public=False,
            )
            product_image_attach(product=product, sku=item.sku, title=item.title, colour="#b5562f")
        stock_record_ensure(
            partner=hub, sku=item.sku, product=product, price_incl_vat=item.price_incl_vat, stock=item.stock
        )
        products[item.sku] = product
    return products


def seed_gift_baskets() -> None:
    packaging = _packaging_products()
    types = {}
    for demo_type in TYPES:
        types[demo_type.slug], _created = BasketType.objects.get_or_create(
            slug=demo_type.slug,
            defaults={
                "name": demo_type.name,
                "description": demo_type.description,
                "packaging_product": packaging[demo_type.packaging_sku],
                "min_items": demo_type.min_items,
                "max_items": demo_type.max_items,
                "min_budget": Decimal(demo_type.min_budget) if demo_type.min_budget else None,
                "max_budget": Decimal(demo_type.max_budget) if demo_type.max_budget else None,
                "allow_mixing": demo_type.allow_mixing,
                "display_order": demo_type.order,
            },
        )
    for demo in DESIGNS:
        design, created = BasketDesign.objects.get_or_create(
            slug=demo.slug,
            defaults={
                "name": demo.name,
                "basket_type": types[demo.type_slug],
                "description": demo.description,
                "gift_message": demo.gift_message,
                "is_published": True,
            },
        )
        if created:
            products = {p.upc: p for p in Product.objects.filter(upc__in=[sku for sku, _q in demo.items])}
            BasketDesignItem.objects.bulk_create(
                BasketDesignItem(design=design, product=products[sku], quantity=quantity)
                for sku, quantity in demo.items
            )

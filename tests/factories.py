"""Test data for unit tests: factory_boy and `oscar.test.factories`, small, explicit and fast.

A test builds the rows it asserts on, or asks for `small_shop()` (the `shop` fixture in the
root conftest): six enterprises, the products listed in `SHOP_PRODUCTS`, the hub's packaging,
two basket types, two ready-made baskets and the logins in `Shop`. No pictures unless asked
for, no demo seed. The demo seed (`demo_data`) is for tests of the seed and browser tests.

    partner = vendor("ristet-ro", name="Ristet Ro Kafferisteri")
    coffee = product(partner=partner, sku="RR-KAF-01", title="Espresso Morgenrøde", price_incl_vat="79.00")
"""

from __future__ import annotations

import io
import itertools
from dataclasses import dataclass, field
from decimal import Decimal

import factory
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.utils.text import slugify
from oscar.core.loading import get_model
from oscar.test import factories as oscar_factories

from baskets.models import BasketDesign, BasketDesignItem, BasketType
from marketplace.countries import denmark
from vendors.models import FOOD_CLASS, NONFOOD_CLASS, VendorProfile

Partner = get_model("partner", "Partner")
StockRecord = get_model("partner", "StockRecord")
Product = get_model("catalogue", "Product")
ProductClass = get_model("catalogue", "ProductClass")
ProductAttribute = get_model("catalogue", "ProductAttribute")
ProductCategory = get_model("catalogue", "ProductCategory")
ProductImage = get_model("catalogue", "ProductImage")
Category = get_model("catalogue", "Category")

PASSWORD = "Kurv-med-honning-42"
PACKAGING_CLASS = "Emballage"
_skus = (f"SKU-{n:05d}" for n in itertools.count(1))


# --- users ------------------------------------------------------------------------------------


class UserFactory(oscar_factories.UserFactory):
    username = factory.Sequence(lambda n: f"bruger{n}@example.dk")
    email = factory.LazyAttribute(lambda o: o.username)
    first_name = "Karen"
    last_name = "Jensen"
    password = factory.django.Password(PASSWORD)

    class Meta:
        model = get_user_model()


def customer(*, email: str = "kunde@example.dk", **fields):
    """A shop buyer who logs in with `PASSWORD`."""
    return UserFactory(username=email, email=email, **fields)


def staff(*, email: str = "drift@example.dk"):
    """Staff with every permission (dashboard and Django admin)."""
    return UserFactory(username=email, email=email, is_staff=True, is_superuser=True)


def dashboard_access() -> Permission:
    return Permission.objects.get(codename="dashboard_access", content_type__app_label="partner")


# --- vendors ----------------------------------------------------------------------------------


class PartnerFactory(oscar_factories.PartnerFactory):
    code = factory.Sequence(lambda n: f"vaerksted-{n}")
    name = factory.LazyAttribute(lambda o: f"Værksted {o.code}")

    class Meta:
        model = Partner
        skip_postgeneration_save = True


class VendorProfileFactory(factory.django.DjangoModelFactory):
    partner = factory.SubFactory(PartnerFactory)
    slug = factory.LazyAttribute(lambda o: o.partner.code)
    legal_name = factory.LazyAttribute(lambda o: f"{o.partner.name} ApS")
    cvr = "12345674"
    contact_email = factory.LazyAttribute(lambda o: f"{o.partner.code}@example.dk")
    street = "Søndergade 1"
    postcode = "8000"
    city = "Aarhus C"
    is_rsov = False
    is_hub = False
    status = VendorProfile.Status.APPROVED
    dropoff_notes = "Aflever i varegården, hverdage 9-15."

    class Meta:
        model = VendorProfile


def vendor(code: str | None = None, *, name: str | None = None, login: bool = True, **profile):
    """An approved enterprise: Partner, VendorProfile and (with `login`) a user with dashboard access.

    The login is `<code>@example.dk` with `PASSWORD`; the partner's profile is `partner.vendor_profile`.
    """
    partner_fields = {"code": code} if code else {}
    if name:
        partner_fields["name"] = name
    partner = PartnerFactory(**partner_fields)
    VendorProfileFactory(partner=partner, **profile)
    if login:
        user = UserFactory(username=f"{partner.code}@example.dk", first_name="Sælger", last_name=partner.name)
        partner.users.add(user)
        user.user_permissions.add(dashboard_access())
    return partner


def vendor_user(partner):
    return partner.users.get()


# --- catalogue --------------------------------------------------------------------------------


class ProductFactory(oscar_factories.ProductFactory):
    class Meta:
        model = Product
        skip_postgeneration_save = True


def product_class(name: str) -> ProductClass:
    product_class, _created = ProductClass.objects.get_or_create(
        name=name, defaults={"requires_shipping": True, "track_stock": True}
    )
    if name == FOOD_CLASS:
        ProductAttribute.objects.get_or_create(
            product_class=product_class,
            code="allergens",
            defaults={"name": "Allergener", "type": ProductAttribute.TEXT},
        )
    return product_class


def category(path: str) -> Category:
    """The category at `path` ("Mad og drikke > Kaffe og te"), created with its parents if missing."""
    node = None
    for name in (part.strip() for part in path.split(">")):
        siblings = node.get_children() if node else Category.get_root_nodes()
        found = siblings.filter(name=name).first()
        if found is None:
            found = node.add_child(name=name) if node else Category.add_root(name=name)
        node = found
    return node


def excl_vat(price_incl_vat) -> Decimal:
    return (Decimal(price_incl_vat) / (1 + settings.VAT_RATE)).quantize(Decimal("0.01"))


def _image_bytes(colour: str) -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (32, 32), colour).save(buffer, format="JPEG")
    return buffer.getvalue()


def product_image_add(product, *, colour: str = "#5b8c3a") -> None:
    """A small picture for the product (needs the `media_root` fixture or a throwaway MEDIA_ROOT)."""
    image = ProductImage(product=product, display_order=0, caption=product.title)
    image.original.save(f"{product.upc.lower()}.jpg", ContentFile(_image_bytes(colour)), save=True)


def product(
    *,
    partner,
    title: str,
    price_incl_vat="100.00",
    sku: str | None = None,
    stock: int = 50,
    category_path: str | None = None,
    food: bool = True,
    description: str = "",
    is_public: bool = True,
    allergens: str = "",
    klass: str | None = None,
    image: str | None = None,
):
    """A product with one stock record of `partner` at `price_incl_vat` (VAT included, kroner).

    `sku` is both the product's UPC and the partner's SKU; `image` is a colour for a small picture.
    """
    item = ProductFactory(
        upc=sku or next(_skus),
        title=title,
        description=description,
        product_class=product_class(klass or (FOOD_CLASS if food else NONFOOD_CLASS)),
        is_public=is_public,
        stockrecords=[],
        categories=[],
    )
    if category_path:
        ProductCategory.objects.create(product=item, category=category(category_path))
    if allergens:
        ProductAttribute.objects.get(product_class=item.product_class, code="allergens").save_value(
            item, allergens
        )
    offer(product=item, partner=partner, sku=item.upc, price_incl_vat=price_incl_vat, stock=stock)
    if image:
        product_image_add(item, colour=image)
    return item


def offer(*, product, partner, price_incl_vat="100.00", stock: int = 50, sku: str | None = None):
    """Another (or the first) stock record of `product`, sold by `partner`."""
    return oscar_factories.StockRecordFactory(
        product=product,
        partner=partner,
        partner_sku=sku or f"{partner.code}-{product.pk}",
        price=excl_vat(price_incl_vat),
        price_currency="DKK",
        num_in_stock=stock,
    )


def packaging(*, hub, sku: str, title: str, price_incl_vat="49.00", stock: int = 400):
    """A packaging product of the hub: sold only inside a gift basket, never on its own."""
    return product(
        partner=hub,
        sku=sku,
        title=title,
        price_incl_vat=price_incl_vat,
        stock=stock,
        klass=PACKAGING_CLASS,
        is_public=False,
    )


# --- gift baskets -----------------------------------------------------------------------------


class BasketTypeFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"Kurvtype {n}")
    slug = factory.Sequence(lambda n: f"kurvtype-{n}")
    min_items = 3
    max_items = 8
    min_budget = None
    max_budget = None
    allow_mixing = True

    class Meta:
        model = BasketType


def design(
    *,
    basket_type,
    items,
    name: str = "Testdesign",
    published: bool = False,
    slug: str | None = None,
    **fields,
) -> BasketDesign:
    """A design of `items` ({product: quantity} or [(product, quantity)]).

    `published`: a ready-made basket in the shop.
    """
    made = BasketDesign.objects.create(
        basket_type=basket_type, name=name, is_published=published, slug=slug, **fields
    )
    if published and not made.slug:
        made.slug = f"{slugify(name)}-{made.pk}"
        made.save(update_fields=["slug"])
    pairs = items.items() if isinstance(items, dict) else items
    BasketDesignItem.objects.bulk_create(
        BasketDesignItem(design=made, product=item, quantity=quantity) for item, quantity in pairs
    )
    return made


# --- municipal buyers -------------------------------------------------------------------------


@dataclass
class Municipality:
    organisation: object
    location: object
    buyer: object
    approver: object


def municipality(
    *,
    name: str = "Testkommune",
    slug: str = "testkommune",
    buyer_email: str = "indkob@testkommune.example",
    approver_email: str = "godkender@testkommune.example",
    approval_limit="10000.00",
    tiers=((20, "3"), (50, "5"), (200, "8")),
) -> Municipality:
    """An organisation with two EAN units, a buyer and an approver (both log in with `PASSWORD`)."""
    from procurement.models import Membership, Organisation, OrganisationLocation, VolumePriceTier

    organisation = Organisation.objects.create(
        name=name,
        slug=slug,
        cvr="12345674",
        street="Rådhuspladsen 1",
        postcode="8000",
        city="Aarhus C",
        invoice_email=f"faktura@{slug}.example",
        approval_limit=Decimal(approval_limit),
    )
    location = OrganisationLocation.objects.create(
        organisation=organisation, ean="5798009999009", unit_name="Borgerservice"
    )
    OrganisationLocation.objects.create(organisation=organisation, ean="5798009999016", unit_name="Kultur")
    buyer = UserFactory(username=buyer_email, first_name="Indkøb", last_name=name)
    approver = UserFactory(username=approver_email, first_name="Grete", last_name="Godkender")
    Membership.objects.create(organisation=organisation, user=buyer, role=Membership.Role.BUYER)
    Membership.objects.create(organisation=organisation, user=approver, role=Membership.Role.APPROVER)
    for quantity, percent in tiers:
        VolumePriceTier.objects.get_or_create(
            min_quantity=quantity, defaults={"discount_percent": Decimal(percent)}
        )
    return Municipality(organisation=organisation, location=location, buyer=buyer, approver=approver)


# --- a small shop -----------------------------------------------------------------------------

# code, name, RSØV registered, packing hub
SHOP_VENDORS = (
    ("havefolket", "Havefolket Økohave & Vingård", True, False),
    ("verdensbutikken", "Verdensbutikken Fællesskab", True, True),
    ("ristet-ro", "Ristet Ro Kafferisteri", False, False),
    ("skovbrynet", "Bageriet Skovbrynet", True, False),
    ("traadvaerket", "Trådværket Tekstilværksted", False, False),
    ("lyspunktet", "Lysstøberiet Lyspunktet", True, False),
)

FOOD = "Mad og drikke"
HOME = "Bolig og brugskunst"

# sku (= UPC), vendor, title, price incl. VAT, stock, category, food, description
SHOP_PRODUCTS = (
    (
        "HF-VIN-01",
        "havefolket",
        "Rødvin Solhverv 2024",
        "189.00",
        60,
        f"{FOOD} > Vin og most",
        True,
        "Blød, bærfrugtig rødvin fra vores egne ranker.",
    ),
    (
        "HF-VIN-02",
        "havefolket",
        "Hvidvin Birkelund",
        "169.00",
        60,
        f"{FOOD} > Vin og most",
        True,
        "Frisk og tør hvidvin.",
    ),
    (
        "HF-MOST-01",
        "havefolket",
        "Æblemost fra egen plantage",
        "45.00",
        120,
        f"{FOOD} > Vin og most",
        True,
        "Uklaret most af danske æbler.",
    ),
    (
        "VB-CHOK-01",
        "verdensbutikken",
        "Mørk chokolade 70 %",
        "35.00",
        200,
        f"{FOOD} > Chokolade og sødt",
        True,
        "Fairtrade-chokolade.",
    ),
    (
        "VB-TE-01",
        "verdensbutikken",
        "Sort te Darjeeling",
        "65.00",
        80,
        f"{FOOD} > Kaffe og te",
        True,
        "Løs te.",
    ),
    (
        "VB-SUK-01",
        "verdensbutikken",
        "Rørsukker",
        "29.00",
        150,
        f"{FOOD} > Spisekammer",
        True,
        "Uraffineret rørsukker.",
    ),
    (
        "VB-SHEA-01",
        "verdensbutikken",
        "Sheasmør",
        "79.00",
        60,
        f"{HOME} > Tekstiler",
        False,
        "Ren sheasmør fra et kvindekooperativ.",
    ),
    (
        "RR-KAF-01",
        "ristet-ro",
        "Espresso Morgenrøde",
        "79.00",
        100,
        f"{FOOD} > Kaffe og te",
        True,
        "Kraftig espressoblanding. 250 g hele bønner.",
    ),
    (
        "RR-KAF-02",
        "ristet-ro",
        "Filterkaffe Etiopien",
        "75.00",
        100,
        f"{FOOD} > Kaffe og te",
        True,
        "Let og blomstret kaffe, malet til filter.",
    ),
    (
        "SB-SMA-01",
        "skovbrynet",
        "Julesmåkager",
        "95.00",
        80,
        f"{FOOD} > Bagværk",
        True,
        "Blandede småkager i dåse.",
    ),
    (
        "SB-HAV-01",
        "skovbrynet",
        "Havregrynskiks",
        "39.00",
        100,
        f"{FOOD} > Bagværk",
        True,
        "Knasende kiks med havregryn.",
    ),
    (
        "SB-RUG-01",
        "skovbrynet",
        "Surdejsrugbrød",
        "45.00",
        60,
        f"{FOOD} > Bagværk",
        True,
        "Groft rugbrød på egen surdej.",
    ),
    (
        "SB-BRU-01",
        "skovbrynet",
        "Brunkager",
        "49.00",
        100,
        f"{FOOD} > Bagværk",
        True,
        "Sprøde brunkager med mandler.",
    ),
    (
        "TV-VIS-01",
        "traadvaerket",
        "Viskestykke i hør",
        "89.00",
        80,
        f"{HOME} > Tekstiler",
        False,
        "Vævet hørviskestykke.",
    ),
    (
        "LP-KRO-01",
        "lyspunktet",
        "Kronelys, 4 stk.",
        "59.00",
        120,
        f"{HOME} > Lys",
        False,
        "Dyppede kronelys i stearin.",
    ),
    ("LP-BLO-01", "lyspunktet", "Bloklys", "69.00", 100, f"{HOME} > Lys", False, "Håndstøbt bloklys."),
)

# sku, title, price incl. VAT: the hub's packing of a gift basket
SHOP_PACKAGING = (
    ("VB-PAK-AESKE", "Gaveæske i genbrugspap, pakket og samlet", "39.00"),
    ("VB-PAK-KURV", "Flettet gavekurv, pakket og samlet", "49.00"),
)

# slug, name, packaging, min items, max items, min budget, max budget
SHOP_TYPES = (
    ("lille-gaveaeske", "Lille gaveæske", "VB-PAK-AESKE", 2, 4, None, "350.00"),
    ("gavekurv", "Gavekurv", "VB-PAK-KURV", 3, 8, "250.00", "900.00"),
)

# slug, name, type, gift message, items: six enterprises in the first, four in the second
SHOP_DESIGNS = (
    (
        "julekurv-fra-aarhus",
        "Julekurv fra Aarhus",
        "gavekurv",
        "Glædelig jul!",
        ("HF-VIN-01", "RR-KAF-01", "SB-SMA-01", "LP-KRO-01", "TV-VIS-01", "VB-CHOK-01"),
    ),
    ("kaffestund", "Kaffestund", "gavekurv", "", ("RR-KAF-01", "SB-HAV-01", "VB-CHOK-01", "TV-VIS-01")),
)


@dataclass
class Shop:
    vendors: dict[str, object]  # partner code → Partner
    products: dict[str, object]  # SKU → Product (packaging included)
    types: dict[str, BasketType]
    designs: dict[str, BasketDesign]
    customer: object
    staff: object
    extra: dict[str, object] = field(default_factory=dict)

    def product(self, sku: str):
        return self.products[sku]

    def vendor_user(self, code: str):
        return self.vendors[code].users.get()


def small_shop(*, images: bool = False) -> Shop:
    """The enterprises, products, basket types and ready-made baskets listed above, and two logins.

    `images`: every product gets a small picture in its vendor's colour (use with `media_root`).
    """
    denmark()
    vendors = {
        code: vendor(code, name=name, is_rsov=is_rsov, is_hub=is_hub, legal_name=f"{name} ApS")
        for code, name, is_rsov, is_hub in SHOP_VENDORS
    }
    colours = dict(
        zip(vendors, ("#5b8c3a", "#b5562f", "#6b4226", "#c9973b", "#3a6b8c", "#8c3a5b"), strict=True)
    )
    products = {
        sku: product(
            partner=vendors[code],
            sku=sku,
            title=title,
            price_incl_vat=price,
            stock=stock,
            category_path=path,
            food=food,
            description=description,
            image=colours[code] if images else None,
        )
        for sku, code, title, price, stock, path, food, description in SHOP_PRODUCTS
    }
    hub = vendors["verdensbutikken"]
    for sku, title, price in SHOP_PACKAGING:
        products[sku] = packaging(hub=hub, sku=sku, title=title, price_incl_vat=price)
    types = {
        slug: BasketTypeFactory(
            slug=slug,
            name=name,
            packaging_product=products[pack],
            min_items=low,
            max_items=high,
            min_budget=Decimal(least) if least else None,
            max_budget=Decimal(most) if most else None,
            display_order=order,
        )
        for order, (slug, name, pack, low, high, least, most) in enumerate(SHOP_TYPES, start=1)
    }
    designs = {
        slug: design(
            basket_type=types[type_slug],
            items={products[sku]: 1 for sku in skus},
            name=name,
            published=True,
            slug=slug,
            gift_message=message,
        )
        for slug, name, type_slug, message, skus in SHOP_DESIGNS
    }
    return Shop(
        vendors=vendors,
        products=products,
        types=types,
        designs=designs,
        customer=customer(first_name="Demo", last_name="Kunde"),
        staff=staff(),
    )

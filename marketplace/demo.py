"""Demo data: six fictional social enterprises, their products and demo logins.

Every name here is invented. Each step looks rows up by a stable key (partner
code, UPC, e-mail) and only creates what is missing, so seeding twice changes
nothing.
"""

import io
import textwrap
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.files.base import ContentFile
from django.db import transaction
from oscar.core.loading import get_model
from PIL import Image, ImageDraw, ImageFont

from marketplace.countries import denmark
from vendors.models import ALCOHOL_ATTRIBUTE_CODE, FOOD_CLASS, NONFOOD_CLASS

Partner = get_model("partner", "Partner")
StockRecord = get_model("partner", "StockRecord")
Product = get_model("catalogue", "Product")
ProductClass = get_model("catalogue", "ProductClass")
ProductAttribute = get_model("catalogue", "ProductAttribute")
ProductImage = get_model("catalogue", "ProductImage")
Category = get_model("catalogue", "Category")
ProductCategory = get_model("catalogue", "ProductCategory")

DEMO_PASSWORD = "faelleskurv"

CATEGORY_TREE = {
    "Mad og drikke": ["Vin og most", "Kaffe og te", "Bagværk", "Spisekammer", "Chokolade og sødt"],
    "Bolig og brugskunst": ["Lys", "Tekstiler", "Køkken og bord"],
}


@dataclass(frozen=True)
class DemoProduct:
    sku: str
    title: str
    description: str
    price_incl_vat: str
    stock: int
    category: str
    food: bool = True
    allergens: str = ""
    # % vol. for a drink with alcohol: the product page then tells the buyer the age limit.
    alcohol_percent: float | None = None


@dataclass(frozen=True)
class DemoVendor:
    code: str
    name: str
    legal_name: str
    cvr: str
    is_rsov: bool
    rsov_reference: str
    mission: str
    impact: str
    flex_jobs: int
    employees: int
    street: str
    postcode: str
    city: str
    phone: str
    colour: str
    is_hub: bool
    products: tuple[DemoProduct, ...]


P = DemoProduct

VENDORS = (
    DemoVendor(
        code="havefolket",
        name="Havefolket Økohave & Vingård",
        legal_name="Havefolket Økohave ApS",
        cvr="31245672",
        is_rsov=True,
        rsov_reference="RSØV-2019-0412",
        mission="Vi dyrker økologiske grøntsager og vin og skaber meningsfulde jobs for "
        "mennesker med psykisk sårbarhed.",
        impact="Vores havefolk arbejder i eget tempo, og mange går videre til ordinært job.",
        flex_jobs=11,
        employees=18,
        street="Bakkevej 14",
        postcode="8660",
        city="Skanderborg",
        phone="+45 86 52 10 14",
        colour="#5b8c3a",
        is_hub=False,
        products=(
            P(
                "HF-VIN-01",
                "Rødvin Solhverv 2024",
                "Blød, bærfrugtig rødvin fra vores egne Solaris- og Rondo-ranker på skråningen ned mod søen.",
                "189.00",
                60,
                "Vin og most",
                allergens="Sulfitter",
                alcohol_percent=12.0,
            ),
            P(
                "HF-VIN-02",
                "Hvidvin Birkelund",
                "Frisk og tør hvidvin med noter af æble og hyldeblomst.",
                "169.00",
                60,
                "Vin og most",
                allergens="Sulfitter",
                alcohol_percent=11.5,
            ),
            P(
                "HF-MOST-01",
                "Æblemost fra egen plantage",
                "Uklaret most af danske æbler, presset i september.",
                "45.00",
                120,
                "Vin og most",
            ),
            P(
                "HF-SAFT-01",
                "Hyldeblomstsaft",
                "Koncentreret saft af håndplukkede hyldeblomster. Fortyndes 1:5.",
                "59.00",
                80,
                "Vin og most",
            ),
            P(
                "HF-MARM-01",
                "Rabarbermarmelade med vanilje",
                "Kogt i små portioner med økologisk rørsukker.",
                "49.00",
                90,
                "Spisekammer",
            ),
            P(
                "HF-MARM-02",
                "Solbærsyltetøj",
                "Syrligt og sødt, af solbær fra haven.",
                "49.00",
                90,
                "Spisekammer",
            ),
            P(
                "HF-HON-01",
                "Økologisk sommerhonning",
                "Flydende honning fra bistaderne mellem frugttræerne.",
                "85.00",
                70,
                "Spisekammer",
            ),
            P(
                "HF-PEST-01",
                "Græskarkernepesto",
                "Pesto med ristede græskarkerner, basilikum og rapsolie.",
                "55.00",
                50,
                "Spisekammer",
                allergens="Kan indeholde spor af nødder",
            ),
            P("HF-CHUT-01", "Pærechutney med ingefær", "Til oste og julebord.", "52.00", 60, "Spisekammer"),
            P(
                "HF-URT-01",
                "Tørrede krydderurter",
                "Timian, oregano og rosmarin i genlukkelig pose.",
                "39.00",
                100,
                "Spisekammer",
            ),
            P(
                "HF-SALT-01",
                "Rosmarinsalt",
                "Flagesalt blandet med tørret rosmarin fra haven.",
                "45.00",
                100,
                "Spisekammer",
            ),
            P(
                "HF-CHIP-01",
                "Kartoffelchips med havsalt",
                "Kogt i små portioner af vores egne kartofler.",
                "35.00",
                150,
                "Spisekammer",
            ),
        ),
    ),
    DemoVendor(
        code="verdensbutikken",
        name="Verdensbutikken Fællesskab",
        legal_name="Foreningen Verdensbutikken Fællesskab",
        cvr="37128848",
        is_rsov=True,
        rsov_reference="RSØV-2016-0088",
        mission="Fair trade-butik drevet af frivillige og ansatte i løntilskud. Vi er "
        "pakkehub: her samles og sendes alle Fælleskurvens gavekurve.",
        impact="Hver gavekurv pakkes af medarbejdere, der er på vej tilbage på arbejdsmarkedet.",
        flex_jobs=6,
        employees=14,
        street="Søndergade 41",
        postcode="8000",
        city="Aarhus C",
        phone="+45 86 12 41 41",
        colour="#b5562f",
        is_hub=True,
        products=(
            P(
                "VB-CHOK-01",
                "Mørk chokolade 70 %",
                "Fairtrade-chokolade af kakao fra kooperativer i Ghana.",
                "35.00",
                200,
                "Chokolade og sødt",
                allergens="Kan indeholde mælk",
            ),
            P(
                "VB-CHOK-02",
                "Lys chokolade med havsalt",
                "Cremet fairtrade-chokolade med flager af havsalt.",
                "35.00",
                200,
                "Chokolade og sødt",
                allergens="Mælk",
            ),
            P(
                "VB-TE-01",
                "Sort te Darjeeling",
                "Løs te fra en fairtrade-certificeret plantage.",
                "65.00",
                80,
                "Kaffe og te",
            ),
            P(
                "VB-TE-02",
                "Grøn te med ingefær",
                "Mild grøn te med tørret ingefær.",
                "59.00",
                80,
                "Kaffe og te",
            ),
            P(
                "VB-MANG-01",
                "Tørret mango",
                "Soltørret mango uden tilsat sukker.",
                "45.00",
                120,
                "Chokolade og sødt",
            ),
            P(
                "VB-NOD-01",
                "Cashewnødder ristede",
                "Ristede og let saltede fairtrade-cashewnødder.",
                "55.00",
                100,
                "Spisekammer",
                allergens="Nødder",
            ),
            P(
                "VB-KRYD-01",
                "Krydderiblanding Garam masala",
                "Blandet i små portioner af fairtrade-krydderier.",
                "49.00",
                90,
                "Spisekammer",
            ),
            P("VB-SUK-01", "Rørsukker", "Uraffineret rørsukker fra Malawi.", "29.00", 150, "Spisekammer"),
            P(
                "VB-SKAL-01",
                "Kokosskål",
                "Håndlavet skål af kokosnøddeskal.",
                "89.00",
                40,
                "Køkken og bord",
                food=False,
            ),
            P(
                "VB-SHEA-01",
                "Sheasmør",
                "Ren sheasmør fra et kvindekooperativ i Burkina Faso.",
                "79.00",
                60,
                "Tekstiler",
                food=False,
            ),
        ),
    ),
    DemoVendor(
        code="ristet-ro",
        name="Ristet Ro Kafferisteri",
        legal_name="Ristet Ro ApS",
        cvr="29403317",
        is_rsov=False,
        rsov_reference="",
        mission="Kafferisteri hvor unge med autisme lærer håndværket fra bønne til kop.",
        impact="Otte unge er i praktik eller fast job hos os hvert år.",
        flex_jobs=4,
        employees=9,
        street="Havnegade 7",
        postcode="5000",
        city="Odense C",
        phone="+45 66 11 07 07",
        colour="#6b4226",
        is_hub=False,
        products=(
            P(
                "RR-KAF-01",
                "Espresso Morgenrøde",
                "Kraftig espressoblanding med noter af mørk chokolade. 250 g hele bønner.",
                "79.00",
                100,
                "Kaffe og te",
            ),
            P(
                "RR-KAF-02",
                "Filterkaffe Etiopien",
                "Let og blomstret kaffe, malet til filter. 250 g.",
                "75.00",
                100,
                "Kaffe og te",
            ),
            P(
                "RR-KAF-03",
                "Kaffebønner Colombia",
                "Balanceret kaffe med karamel og nødder. 500 g.",
                "129.00",
                80,
                "Kaffe og te",
            ),
            P(
                "RR-KAF-04",
                "Koldbryg på flaske",
                "Koldtbrygget kaffe, klar til at drikke. 0,5 l.",
                "49.00",
                60,
                "Kaffe og te",
            ),
            P(
                "RR-CHAI-01",
                "Chai-blanding",
                "Sort te med kanel, kardemomme og nelliker.",
                "59.00",
                70,
                "Kaffe og te",
            ),
            P(
                "RR-KOP-01",
                "Kaffekop i stentøj",
                "Drejet kop fra et lokalt værksted.",
                "119.00",
                40,
                "Køkken og bord",
                food=False,
            ),
            P(
                "RR-FIL-01",
                "Kaffefilter i økologisk bomuld",
                "Genbrugeligt filter til håndbryg.",
                "69.00",
                50,
                "Køkken og bord",
                food=False,
            ),
            P(
                "RR-JUL-01",
                "Julekaffe med kanel",
                "Sæsonens blanding. 250 g malet.",
                "85.00",
                90,
                "Kaffe og te",
            ),
        ),
    ),
    DemoVendor(
        code="skovbrynet",
        name="Bageriet Skovbrynet",
        legal_name="Bageriet Skovbrynet I/S",
        cvr="40561129",
        is_rsov=True,
        rsov_reference="RSØV-2020-0231",
        mission="Økologisk bageri der ansætter langtidsledige og giver dem et fagligt fællesskab.",
        impact="Halvdelen af vores bagere kom til os fra jobcentret.",
        flex_jobs=5,
        employees=12,
        street="Skovvej 3",
        postcode="7100",
        city="Vejle",
        phone="+45 75 82 03 03",
        colour="#c9973b",
        is_hub=False,
        products=(
            P(
                "SB-RUG-01",
                "Surdejsrugbrød",
                "Groft rugbrød med solsikkekerner, bagt på egen surdej.",
                "45.00",
                60,
                "Bagværk",
                allergens="Gluten (rug, hvede)",
            ),
            P(
                "SB-SMA-01",
                "Julesmåkager",
                "Blandede småkager i dåse. 400 g.",
                "95.00",
                80,
                "Bagværk",
                allergens="Gluten, mælk, æg",
            ),
            P(
                "SB-BRU-01",
                "Brunkager",
                "Sprøde brunkager med mandler.",
                "49.00",
                100,
                "Bagværk",
                allergens="Gluten, mandler, mælk",
            ),
            P(
                "SB-PEB-01",
                "Pebernødder",
                "Klassiske pebernødder. 300 g.",
                "45.00",
                120,
                "Bagværk",
                allergens="Gluten, mælk",
            ),
            P(
                "SB-HAV-01",
                "Havregrynskiks",
                "Knasende kiks med havregryn og honning.",
                "39.00",
                100,
                "Bagværk",
                allergens="Gluten (havre), mælk",
            ),
            P(
                "SB-KRI-01",
                "Kringle med remonce",
                "Hjemmelavet kringle, frosset til levering.",
                "119.00",
                30,
                "Bagværk",
                allergens="Gluten, mælk, æg, mandler",
            ),
            P(
                "SB-HON-01",
                "Honningkager",
                "Bløde honningkager med appelsinskal.",
                "55.00",
                90,
                "Bagværk",
                allergens="Gluten, æg",
            ),
            P(
                "SB-KNA-01",
                "Knækbrød med frø",
                "Glutenfrit knækbrød med hørfrø og sesam.",
                "42.00",
                100,
                "Bagværk",
                allergens="Sesam",
            ),
            P(
                "SB-VAN-01",
                "Vaniljekranse",
                "Smørbagte vaniljekranse. 300 g.",
                "59.00",
                100,
                "Bagværk",
                allergens="Gluten, mælk, mandler",
            ),
        ),
    ),
    DemoVendor(
        code="traadvaerket",
        name="Trådværket Tekstilværksted",
        legal_name="Trådværket Socialøkonomisk Virksomhed",
        cvr="35872264",
        is_rsov=False,
        rsov_reference="",
        mission="Tekstilværksted hvor kvinder med anden etnisk baggrund syr, væver og "
        "strikker sig vej ind på arbejdsmarkedet.",
        impact="Vi underviser i dansk og syning side om side.",
        flex_jobs=3,
        employees=10,
        street="Vævergade 22",
        postcode="2200",
        city="København N",
        phone="+45 35 35 22 22",
        colour="#3a6b8c",
        is_hub=False,
        products=(
            P(
                "TV-VIS-01",
                "Viskestykke i hør",
                "Vævet hørviskestykke i naturfarve.",
                "89.00",
                80,
                "Tekstiler",
                food=False,
            ),
            P(
                "TV-GRY-01",
                "Grydelapper, 2 stk.",
                "Quiltede grydelapper af stofrester.",
                "79.00",
                80,
                "Tekstiler",
                food=False,
            ),
            P(
                "TV-FOR-01",
                "Forklæde i kanvas",
                "Kraftigt forklæde med lomme.",
                "249.00",
                40,
                "Tekstiler",
                food=False,
            ),
            P(
                "TV-VAN-01",
                "Strikkede vanter",
                "Varme uldvanter i dansk uld.",
                "199.00",
                50,
                "Tekstiler",
                food=False,
            ),
            P("TV-HUE-01", "Uldhue", "Hue strikket i blød merinould.", "179.00", 50, "Tekstiler", food=False),
            P(
                "TV-TAS-01",
                "Mulepose med tryk",
                "Mulepose i økologisk bomuld med håndtrykt motiv.",
                "99.00",
                100,
                "Tekstiler",
                food=False,
            ),
            P(
                "TV-LOB-01",
                "Bordløber til jul",
                "Vævet bordløber i rødt og hvidt.",
                "229.00",
                30,
                "Tekstiler",
                food=False,
            ),
            P(
                "TV-SOK-01",
                "Sengesokker",
                "Tykke sokker af genbrugsuld.",
                "129.00",
                60,
                "Tekstiler",
                food=False,
            ),
            P(
                "TV-TOR-01",
                "Halstørklæde",
                "Langt tørklæde vævet i uld og hør.",
                "299.00",
                30,
                "Tekstiler",
                food=False,
            ),
        ),
    ),
    DemoVendor(
        code="lyspunktet",
        name="Lysstøberiet Lyspunktet",
        legal_name="Lyspunktet ApS",
        cvr="38815431",
        is_rsov=True,
        rsov_reference="RSØV-2018-0150",
        mission="Vi støber lys i hånden og skaber job for mennesker med fysisk og psykisk "
        "funktionsnedsættelse.",
        impact="Alle vores lysstøbere er ansat på særlige vilkår.",
        flex_jobs=9,
        employees=11,
        street="Lysgården 1",
        postcode="9000",
        city="Aalborg",
        phone="+45 98 10 01 01",
        colour="#8c3a5b",
        is_hub=False,
        products=(
            P(
                "LP-KRO-01",
                "Kronelys, 4 stk.",
                "Dyppede kronelys i stearin, 25 cm.",
                "59.00",
                120,
                "Lys",
                food=False,
            ),
            P(
                "LP-BLO-01",
                "Bloklys",
                "Håndstøbt bloklys, brændetid ca. 40 timer.",
                "69.00",
                100,
                "Lys",
                food=False,
            ),
            P(
                "LP-BIV-01",
                "Fyrfadslys i bivoks, 6 stk.",
                "Rene bivoksfyrfadslys med honningduft.",
                "75.00",
                100,
                "Lys",
                food=False,
            ),
            P(
                "LP-DUF-01",
                "Duftlys Skovbund",
                "Duftlys med gran og mos i genbrugsglas.",
                "149.00",
                60,
                "Lys",
                food=False,
            ),
            P("LP-ADV-01", "Adventslys", "Kalenderlys med håndmalede tal.", "89.00", 80, "Lys", food=False),
            P(
                "LP-GLA-01",
                "Stearinlys i glas",
                "Lys i glas med låg, til udendørs brug.",
                "99.00",
                70,
                "Lys",
                food=False,
            ),
            P(
                "LP-STA-01",
                "Lysestage i egetræ",
                "Drejet lysestage til kronelys.",
                "159.00",
                40,
                "Lys",
                food=False,
            ),
            P(
                "LP-TAN-01",
                "Tændstikker i gaveæske",
                "Lange tændstikker i æske med tryk.",
                "35.00",
                150,
                "Lys",
                food=False,
            ),
        ),
    ),
)

STAFF_EMAIL = "admin@faelleskurv.example"
CUSTOMER_EMAIL = "kunde@faelleskurv.example"
MUNICIPAL_EMAIL = "indkob@eksempel-kommune.example"


def vendor_email(code: str) -> str:
    return f"{code}@faelleskurv.example"


FONT_PATHS = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
    "/usr/share/fonts/truetype/liberation/LiberationSans-Bold.ttf",
)


def _font(size: int):
    """A TrueType font with Danish letters when the system has one; Pillow's own otherwise."""
    for path in FONT_PATHS:
        try:
            return ImageFont.truetype(path, size)
        except OSError:
            continue
    return ImageFont.load_default(size=size)


def _product_image(*, title: str, colour: str) -> bytes:
    """A plain coloured card with the product's title: enough to recognise it."""
    image = Image.new("RGB", (600, 600), colour)
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((40, 40, 560, 560), radius=36, outline="white", width=6)
    font = _font(44)
    lines = textwrap.wrap(title, width=18)
    y = 300 - 28 * len(lines)
    for line in lines:
        width = draw.textlength(line, font=font)
        draw.text(((600 - width) / 2, y), line, fill="white", font=font)
        y += 56
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=80)
    return buffer.getvalue()


def _excl_vat(price_incl_vat: str) -> Decimal:
    return (Decimal(price_incl_vat) / (1 + settings.VAT_RATE)).quantize(Decimal("0.01"))


def product_image_attach(*, product, sku: str, title: str, colour: str) -> None:
    """Give a demo product its generated picture."""
    image = ProductImage(product=product, display_order=0, caption=title)
    image.original.save(
        f"{sku.lower()}.jpg", ContentFile(_product_image(title=title, colour=colour)), save=True
    )


def stock_record_ensure(*, partner, sku: str, product, price_incl_vat: str, stock: int) -> None:
    """The partner's stock record for a demo SKU; an existing one is left as it is."""
    StockRecord.objects.get_or_create(
        partner=partner,
        partner_sku=sku,
        defaults={
            "product": product,
            "price": _excl_vat(price_incl_vat),
            "price_currency": "DKK",
            "num_in_stock": stock,
        },
    )


def _user(*, email: str, first_name: str, last_name: str, **extra):
    User = get_user_model()
    user, created = User.objects.get_or_create(
        email=email,
        defaults={"username": email[:150], "first_name": first_name, "last_name": last_name, **extra},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


def seed_base() -> None:
    denmark()
    food, _created = ProductClass.objects.get_or_create(
        name=FOOD_CLASS, defaults={"requires_shipping": True, "track_stock": True}
    )
    for code, name in (("allergens", "Allergener"), ("contents", "Indhold")):
        ProductAttribute.objects.get_or_create(
            product_class=food, code=code, defaults={"name": name, "type": ProductAttribute.TEXT}
        )
    ProductAttribute.objects.get_or_create(
        product_class=food,
        code=ALCOHOL_ATTRIBUTE_CODE,
        defaults={"name": "Alkohol (% vol.)", "type": ProductAttribute.FLOAT},
    )
    ProductClass.objects.get_or_create(
        name=NONFOOD_CLASS, defaults={"requires_shipping": True, "track_stock": True}
    )
    for root_name, children in CATEGORY_TREE.items():
        root = Category.get_root_nodes().filter(name=root_name).first() or Category.add_root(name=root_name)
        existing = set(root.get_children().values_list("name", flat=True))
        for child in children:
            if child not in existing:
                root.add_child(name=child)


def seed_vendors() -> None:
    from vendors.models import VendorProfile

    access = Permission.objects.get(codename="dashboard_access", content_type__app_label="partner")
    food = ProductClass.objects.get(name=FOOD_CLASS)
    nonfood = ProductClass.objects.get(name=NONFOOD_CLASS)
    allergens = ProductAttribute.objects.get(product_class=food, code="allergens")
    alcohol = ProductAttribute.objects.get(product_class=food, code=ALCOHOL_ATTRIBUTE_CODE)
    categories = {c.name: c for c in Category.objects.all()}

    for vendor in VENDORS:
        partner, _created = Partner.objects.get_or_create(code=vendor.code, defaults={"name": vendor.name})
        VendorProfile.objects.get_or_create(
            partner=partner,
            defaults={
                "slug": vendor.code,
                "legal_name": vendor.legal_name,
                "cvr": vendor.cvr,
                "is_rsov": vendor.is_rsov,
                "rsov_reference": vendor.rsov_reference,
                "mission": vendor.mission,
                "impact_text": vendor.impact,
                "employees_flex_jobs": vendor.flex_jobs,
                "employees_total": vendor.employees,
                "contact_email": vendor_email(vendor.code),
                "contact_phone": vendor.phone,
                "street": vendor.street,
                "postcode": vendor.postcode,
                "city": vendor.city,
                "is_hub": vendor.is_hub,
                "status": VendorProfile.Status.APPROVED,
                "dropoff_notes": "Aflever i varegården bag butikken, hverdage 9-15.",
            },
        )
        user = _user(email=vendor_email(vendor.code), first_name="Sælger", last_name=vendor.name[:150])
        partner.users.add(user)
        user.user_permissions.add(access)

        for item in vendor.products:
            product = Product.objects.filter(upc=item.sku).first()
            if product is None:
                product = Product.objects.create(
                    upc=item.sku,
                    title=item.title,
                    description=item.description,
                    product_class=food if item.food else nonfood,
                    is_public=True,
                )
                ProductCategory.objects.create(product=product, category=categories[item.category])
                if item.food and item.allergens:
                    allergens.save_value(product, item.allergens)
                if item.food and item.alcohol_percent:
                    alcohol.save_value(product, item.alcohol_percent)
                product_image_attach(product=product, sku=item.sku, title=item.title, colour=vendor.colour)
            stock_record_ensure(
                partner=partner,
                sku=item.sku,
                product=product,
                price_incl_vat=item.price_incl_vat,
                stock=item.stock,
            )


def seed_users() -> list[tuple[str, str, str]]:
    """Create the non-vendor logins and return every demo login as (role, e-mail, password)."""
    _user(email=STAFF_EMAIL, first_name="Drift", last_name="Administrator", is_staff=True, is_superuser=True)
    _user(email=CUSTOMER_EMAIL, first_name="Demo", last_name="Kunde")
    _user(email=MUNICIPAL_EMAIL, first_name="Indkøb", last_name="Eksempel Kommune")
    logins = [
        ("Staff (dashboard and admin)", STAFF_EMAIL, DEMO_PASSWORD),
        ("Public customer", CUSTOMER_EMAIL, DEMO_PASSWORD),
        ("Municipal buyer", MUNICIPAL_EMAIL, DEMO_PASSWORD),
        ("Municipal approver", "godkender@eksempel-kommune.example", DEMO_PASSWORD),
    ]
    logins += [(f"Vendor: {v.name}", vendor_email(v.code), DEMO_PASSWORD) for v in VENDORS]
    return logins


# The steps `seed_demo` runs, in order. Other apps add their own steps here
# (dotted paths to functions taking no arguments).
SEED_STEPS = [
    "marketplace.demo.seed_base",
    "marketplace.demo.seed_vendors",
    "vendors.demo.seed_vendor_logos",
    "baskets.demo.seed_gift_baskets",
    "supply.demo.seed_offers",
    "procurement.demo.seed_procurement",
]


@transaction.atomic
def demo_seed() -> list[tuple[str, str, str]]:
    from django.utils.module_loading import import_string

    for step in SEED_STEPS:
        import_string(step)()
    return seed_users()

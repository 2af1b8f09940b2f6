"""A large catalogue for benchmarks and scaling tests, on top of the demo data.

`catalogue_generate(products=N)` tops the demo catalogue (6 vendors) up to N
public products, spread round-robin over the six vendors and the leaf
categories, each with one stock record and an image that reuses the vendor's
demo image file (so thumbnails are made once per vendor, not per product).
Rows are bulk-inserted; the storefront cache version is bumped at the end.
"""

import random
from decimal import Decimal

from django.db import transaction
from django.utils.text import slugify
from oscar.core.loading import get_model

from marketplace.storefront_cache import storefront_version_bump

Product = get_model("catalogue", "Product")
ProductClass = get_model("catalogue", "ProductClass")
ProductCategory = get_model("catalogue", "ProductCategory")
ProductImage = get_model("catalogue", "ProductImage")
Category = get_model("catalogue", "Category")
Partner = get_model("partner", "Partner")
StockRecord = get_model("partner", "StockRecord")

WORDS = (
    "økologisk",
    "hjemmelavet",
    "dansk",
    "håndlavet",
    "sommer",
    "vinter",
    "jule",
    "rød",
    "grøn",
    "syrlig",
    "sød",
    "krydret",
    "røget",
    "mild",
    "kraftig",
    "lun",
    "frisk",
    "landlig",
)
NOUNS = (
    "marmelade",
    "kaffe",
    "te",
    "chokolade",
    "honning",
    "kiks",
    "lys",
    "viskestykke",
    "most",
    "saft",
    "pesto",
    "chutney",
    "småkager",
    "uldhue",
    "mulepose",
    "krydderi",
    "knækbrød",
    "vanter",
)


@transaction.atomic
def catalogue_generate(*, products: int = 2000, seed: int = 8) -> int:
    """Add generated products until there are `products` public products; returns how many were added."""
    rng = random.Random(seed)
    existing = Product.objects.count()
    missing = products - existing
    if missing <= 0:
        return 0
    partners = list(Partner.objects.filter(vendor_profile__isnull=False).order_by("pk"))
    leaves = [c for c in Category.objects.order_by("path") if c.is_leaf()]
    product_class = ProductClass.objects.order_by("pk").first()
    images = {
        partner.pk: ProductImage.objects.filter(product__stockrecords__partner=partner)
        .order_by("pk")
        .values_list("original", flat=True)
        .first()
        for partner in partners
    }
    new_products = []
    for i in range(missing):
        title = f"{rng.choice(WORDS).capitalize()} {rng.choice(NOUNS)} nr. {existing + i + 1}"
        new_products.append(
            Product(
                structure=Product.STANDALONE,
                title=title,
                slug=slugify(title)[:128],
                upc=f"GEN-{existing + i + 1:06d}",
                description=f"{title}: {rng.choice(WORDS)} {rng.choice(NOUNS)} fra en socialøkonomisk "
                f"virksomhed, {rng.choice(WORDS)} og {rng.choice(WORDS)}.",
                product_class=product_class,
                is_public=True,
            )
        )
    created = Product.objects.bulk_create(new_products, batch_size=500)
    categories, records, product_images = [], [], []
    for i, product in enumerate(created):
        partner = partners[i % len(partners)]
        categories.append(ProductCategory(product=product, category=leaves[i % len(leaves)]))
        records.append(
            StockRecord(
                product=product,
                partner=partner,
                partner_sku=product.upc,
                price=Decimal(rng.randrange(3900, 80000)) / 100,
                price_currency="DKK",
                num_in_stock=1000,
            )
        )
        if images.get(partner.pk):
            product_images.append(ProductImage(product=product, original=images[partner.pk], display_order=0))
    ProductCategory.objects.bulk_create(categories, batch_size=1000)
    StockRecord.objects.bulk_create(records, batch_size=1000)
    ProductImage.objects.bulk_create(product_images, batch_size=1000)
    transaction.on_commit(storefront_version_bump)
    storefront_version_bump()
    return len(created)

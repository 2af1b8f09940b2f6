"""Demo offers: nine common products made by two to four enterprises each, with capacities.

Sized so that 500 × "Den grønne madkurv" (a municipal order) can be met within about three
weeks only by combining the enterprises: for every item of that basket no single offer has
stock plus four weeks of capacity for 500, but together they have. The extra offers cost a
few kroner more than the product's first offer, so the shop's default offer (the cheapest in
stock) and every single-basket demo stay as they were.

Rows are looked up by (partner, SKU) and by stock record, and only created when missing:
seeding twice changes nothing, and a vendor's own edits to capacity are kept.
"""

from dataclasses import dataclass

from oscar.core.loading import get_model

from marketplace.demo import stock_record_ensure
from supply.models import OfferCapacity

Partner = get_model("partner", "Partner")
Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")


@dataclass(frozen=True)
class DemoOffer:
    vendor: str  # partner code
    sku: str  # the vendor's own SKU; the product's first offer keeps its SKU (= the product's UPC)
    price_incl_vat: str | None  # None: the first offer, already seeded with its price
    stock: int | None  # None: the first offer's seeded stock
    units_per_week: int
    lead_time_days: int


D = DemoOffer

# product UPC → its offers. The first offer of each product is the one marketplace.demo seeds.
OFFERS: dict[str, tuple[DemoOffer, ...]] = {
    # --- the five items of "Den grønne madkurv" -------------------------------------------
    "HF-MARM-01": (  # Rabarbermarmelade med vanilje
        D("havefolket", "HF-MARM-01", None, None, 60, 7),
        D("skovbrynet", "SB-MARM-RAB", "52.00", 40, 50, 7),
        D("verdensbutikken", "VB-MARM-RAB", "54.00", 30, 40, 14),
    ),
    "HF-HON-01": (  # Økologisk sommerhonning
        D("havefolket", "HF-HON-01", None, None, 40, 7),
        D("lyspunktet", "LP-HON-01", "88.00", 60, 60, 7),
        D("skovbrynet", "SB-HON-RAA", "92.00", 30, 30, 7),
    ),
    "SB-RUG-01": (  # Surdejsrugbrød
        D("skovbrynet", "SB-RUG-01", None, None, 100, 3),
        D("havefolket", "HF-RUG-01", "48.00", 20, 60, 7),
        D("ristet-ro", "RR-RUG-01", "49.00", 10, 40, 7),
    ),
    "VB-TE-01": (  # Sort te Darjeeling
        D("verdensbutikken", "VB-TE-01", None, None, 80, 7),
        D("ristet-ro", "RR-TE-DARJ", "69.00", 50, 70, 7),
    ),
    "RR-KAF-02": (  # Filterkaffe Etiopien
        D("ristet-ro", "RR-KAF-02", None, None, 90, 7),
        D("verdensbutikken", "VB-KAF-ETI", "79.00", 60, 50, 14),
    ),
    # --- more shared products ---------------------------------------------------------------
    "VB-CHOK-01": (  # Mørk chokolade 70 %
        D("verdensbutikken", "VB-CHOK-01", None, None, 100, 7),
        D("ristet-ro", "RR-CHOK-70", "38.00", 40, 30, 14),
    ),
    "LP-BIV-01": (  # Fyrfadslys i bivoks, 6 stk.
        D("lyspunktet", "LP-BIV-01", None, None, 80, 7),
        D("havefolket", "HF-BIV-06", "79.00", 30, 20, 14),
    ),
    "HF-SAFT-01": (  # Hyldeblomstsaft
        D("havefolket", "HF-SAFT-01", None, None, 40, 7),
        D("skovbrynet", "SB-SAFT-HYL", "62.00", 20, 20, 7),
    ),
    "SB-PEB-01": (  # Pebernødder
        D("skovbrynet", "SB-PEB-01", None, None, 150, 3),
        D("ristet-ro", "RR-PEB-01", "48.00", 40, 40, 7),
        D("havefolket", "HF-PEB-01", "49.00", 20, 20, 7),
    ),
    # --- the hub's packing of the basket (one packer only: the hub) -------------------------
    "VB-PAK-KURV": (D("verdensbutikken", "VB-PAK-KURV", None, None, 150, 2),),
}


def seed_offers() -> None:
    """Second, third and fourth offers of shared products, and every demo offer's capacity."""
    codes = {offer.vendor for offers in OFFERS.values() for offer in offers}
    partners = {p.code: p for p in Partner.objects.filter(code__in=codes)}
    products = {p.upc: p for p in Product.objects.filter(upc__in=OFFERS)}
    for upc, offers in OFFERS.items():
        product = products[upc]
        for offer in offers:
            partner = partners[offer.vendor]
            if offer.price_incl_vat is not None:
                stock_record_ensure(
                    partner=partner,
                    sku=offer.sku,
                    product=product,
                    price_incl_vat=offer.price_incl_vat,
                    stock=offer.stock,
                )
            record = StockRecord.objects.get(partner=partner, partner_sku=offer.sku)
            OfferCapacity.objects.get_or_create(
                stockrecord=record,
                defaults={"units_per_week": offer.units_per_week, "lead_time_days": offer.lead_time_days},
            )

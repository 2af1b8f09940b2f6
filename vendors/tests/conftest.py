"""Two approved vendors A and B with products and a shared order, built through the services."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from oscar.core.loading import get_class, get_model
from oscar.test.factories import create_order

from marketplace.demo import FOOD_CLASS, NONFOOD_CLASS, seed_base
from vendors import services
from vendors.models import VendorProfile

Product = get_model("catalogue", "Product")
ProductClass = get_model("catalogue", "ProductClass")
ProductCategory = get_model("catalogue", "ProductCategory")
Category = get_model("catalogue", "Category")
StockRecord = get_model("partner", "StockRecord")
Basket = get_model("basket", "Basket")
Selector = get_class("partner.strategy", "Selector")

PASSWORD = "vendor-test-pw-1"
VALID_CVRS = ["31245672", "37128848", "29403317", "40561129", "35872264", "38815431"]


@pytest.fixture(autouse=True)
def english_urls():
    """Tests reverse /en/ URLs so they can assert the English source strings."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture
def catalogue_base(db):
    """Product classes Fødevare/Brugskunst with allergens/contents, and the demo category tree."""
    seed_base()


def make_vendor(code: str, *, cvr: str, status: str = VendorProfile.Status.APPROVED, is_rsov: bool = False):
    user = get_user_model().objects.create_user(
        username=f"{code}@vendors.example", email=f"{code}@vendors.example", password=PASSWORD
    )
    vendor = services.vendor_apply(
        user=user,
        email=user.email,
        name=f"Vendor {code}",
        legal_name=f"Vendor {code} ApS",
        cvr=cvr,
        is_rsov=is_rsov,
        rsov_reference="RSØV-1" if is_rsov else "",
        mission=f"Mission of {code}",
        impact_text=f"Impact of {code}",
    )
    if status in (VendorProfile.Status.APPROVED, VendorProfile.Status.SUSPENDED):
        vendor = services.vendor_approve(vendor=vendor)
    if status == VendorProfile.Status.SUSPENDED:
        vendor = services.vendor_suspend(vendor=vendor, reason="test")
    if status == VendorProfile.Status.REJECTED:
        vendor = services.vendor_reject(vendor=vendor, reason="test")
    vendor.refresh_from_db()
    vendor.user = user
    return vendor


def make_product(vendor, *, title: str, sku: str, price: str = "80.00", is_public: bool = True, food=True):
    product_class = ProductClass.objects.get(name=FOOD_CLASS if food else NONFOOD_CLASS)
    product = Product.objects.create(title=title, product_class=product_class, is_public=is_public)
    ProductCategory.objects.create(product=product, category=Category.objects.get(name="Spisekammer"))
    StockRecord.objects.create(
        product=product,
        partner=vendor.partner,
        partner_sku=sku,
        price=Decimal(price),
        price_currency="DKK",
        num_in_stock=20,
    )
    return product


def make_order(*products):
    basket = Basket.objects.create()
    basket.strategy = Selector().strategy()
    for product in products:
        basket.add_product(product, quantity=2)
    return create_order(basket=basket)


@pytest.fixture
def vendor_a(catalogue_base):
    return make_vendor("a", cvr=VALID_CVRS[0], is_rsov=True)


@pytest.fixture
def vendor_b(catalogue_base):
    return make_vendor("b", cvr=VALID_CVRS[1])


@pytest.fixture
def client_a(client, vendor_a):
    client.force_login(vendor_a.user)
    return client


@pytest.fixture
def staff_client(db, django_user_model):
    """A client of its own, so a test can use `client` for someone else at the same time."""
    from django.test import Client

    staff = django_user_model.objects.create_user(
        username="staff@vendors.example",
        email="staff@vendors.example",
        password=PASSWORD,
        is_staff=True,
        is_superuser=True,
    )
    staff_client = Client()
    staff_client.force_login(staff)
    return staff_client

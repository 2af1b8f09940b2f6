"""A fast stand-in for the `demo_data` fixture: the same vendors, products and logins, no images.

Seeding the full demo (product images included) takes seconds per test; the
split, pick lists and payouts need only partners, profiles, stock records and users.
"""

import pytest
from django.contrib.auth.models import Permission
from oscar.core.loading import get_model

from marketplace import demo
from vendors.models import VendorProfile

Partner = get_model("partner", "Partner")
Product = get_model("catalogue", "Product")
ProductClass = get_model("catalogue", "ProductClass")
StockRecord = get_model("partner", "StockRecord")


@pytest.fixture
def demo_vendors(db):
    demo.seed_base()
    access = Permission.objects.get(codename="dashboard_access", content_type__app_label="partner")
    food = ProductClass.objects.get(name=demo.FOOD_CLASS)
    nonfood = ProductClass.objects.get(name=demo.NONFOOD_CLASS)
    for vendor in demo.VENDORS:
        partner = Partner.objects.create(code=vendor.code, name=vendor.name)
        VendorProfile.objects.create(
            partner=partner,
            slug=vendor.code,
            legal_name=vendor.legal_name,
            cvr=vendor.cvr,
            contact_email=demo.vendor_email(vendor.code),
            street=vendor.street,
            postcode=vendor.postcode,
            city=vendor.city,
            is_hub=vendor.is_hub,
            status=VendorProfile.Status.APPROVED,
            dropoff_notes="Aflever i varegården bag butikken, hverdage 9-15.",
        )
        user = demo._user(
            email=demo.vendor_email(vendor.code), first_name="Sælger", last_name=vendor.name[:150]
        )
        partner.users.add(user)
        user.user_permissions.add(access)
        for item in vendor.products:
            product = Product.objects.create(
                upc=item.sku, title=item.title, product_class=food if item.food else nonfood, is_public=True
            )
            StockRecord.objects.create(
                partner=partner,
                product=product,
                partner_sku=item.sku,
                price=demo._excl_vat(item.price_incl_vat),
                num_in_stock=item.stock,
            )
    demo.seed_users()


@pytest.fixture
def prefork_workers(tmp_path, settings):
    """Start real prefork Celery workers on a queue of their own (fulfilment/tests/workers.py).

    The test's own tasks go to that queue while the fixture lives; every worker is stopped
    (and any orphaned pool process killed) on the way out.
    """
    from fulfilment.tests.workers import PreforkWorkers

    workers = PreforkWorkers(tmp_path, settings.DATABASES["default"])
    yield workers
    workers.stop()

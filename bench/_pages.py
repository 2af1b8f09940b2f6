"""The pages the benchmarks measure, looked up in the bench database (run inside Django)."""

import json

from django.urls import NoReverseMatch, reverse
from django.utils import translation


def bench_pages() -> dict[str, str]:
    """name -> path: ceiling, catalogue, a leaf category, a middle product, a vendor, the composer."""
    from oscar.core.loading import get_model

    from marketplace.oscar_apps.catalogue.selectors import product_queryset_for_listing
    from vendors.models import VendorProfile

    Category = get_model("catalogue", "Category")
    with translation.override("da"):
        leaf = next(c for c in Category.objects.browsable().order_by("path") if c.is_leaf())
        products = product_queryset_for_listing().order_by("pk")
        product = products[products.count() // 2]
        vendor = VendorProfile.objects.filter(status=VendorProfile.Status.APPROVED).order_by("pk").first()
        pages = {
            "ceiling": "/bench/ceiling/",
            "catalogue": reverse("catalogue:index"),
            "category": leaf.get_absolute_url(),
            "product": product.get_absolute_url(),
            "vendor": reverse("vendors:detail", kwargs={"slug": vendor.slug}),
            "search": reverse("search:search") + "?q=kaffe",
        }
        try:
            pages["composer"] = reverse("giftbaskets:composer")
        except NoReverseMatch:
            pass
    return pages


def signed_in_cookie() -> str:
    """A session cookie of the demo customer with a 3-line cart and a gift basket in it."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client
    from oscar.core.loading import get_model

    from baskets.selectors import published_designs
    from baskets.services import gift_basket_add_to_cart
    from marketplace.demo import CUSTOMER_EMAIL
    from marketplace.oscar_apps.partner.strategy import Selector

    Basket = get_model("basket", "Basket")
    StockRecord = get_model("partner", "StockRecord")
    user = get_user_model().objects.get(email=CUSTOMER_EMAIL)
    basket, _ = Basket.open.get_or_create(owner=user)
    basket.flush()
    basket.strategy = Selector().strategy()
    for record in StockRecord.objects.filter(num_in_stock__gt=50, product__is_public=True).order_by("pk")[:3]:
        basket.add_product(record.product, 1)
    gift_basket_add_to_cart(basket=basket, design=published_designs().order_by("pk").first(), quantity=1)
    client = Client()
    client.force_login(user)
    return f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}"


if __name__ == "__main__":
    import sys

    import django

    django.setup()
    if sys.argv[1:] == ["--signed-in-cookie"]:
        print(json.dumps(signed_in_cookie()))
    else:
        print(json.dumps(bench_pages()))

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


if __name__ == "__main__":
    import django

    django.setup()
    print(json.dumps(bench_pages()))

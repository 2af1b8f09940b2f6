"""seed_demo gives the shop basket types and ready-made baskets that join several enterprises."""

import pytest

from baskets.models import BasketDesign, BasketType
from baskets.selectors import default_strategy, design_summary

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_basket_types_packed_by_the_hub(demo_data):
    types = list(BasketType.objects.active().select_related("packaging_product"))

    assert len(types) >= 3
    for basket_type in types:
        [stockrecord] = basket_type.packaging_product.stockrecords.select_related("partner__vendor_profile")
        assert stockrecord.partner.code == "verdensbutikken" and stockrecord.partner.vendor_profile.is_hub
        assert not basket_type.packaging_product.is_public


def test_seed_demo_creates_four_ready_made_baskets_from_several_vendors_that_can_be_bought(demo_data):
    designs = list(BasketDesign.objects.filter(is_published=True))
    strategy = default_strategy()

    assert len(designs) >= 4
    assert "Julekurv fra Aarhus" in {d.name for d in designs}
    for design in designs:
        summary = design_summary(design=design, strategy=strategy, quantity=1)
        assert len(summary.vendors) >= 3, design.name
        assert summary.problems == [], (design.name, summary.problems)

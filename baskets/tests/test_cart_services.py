"""Putting gift baskets into an Oscar cart: lines per vendor, one group, every rule on the server."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from oscar.core.loading import get_class, get_model

from baskets.models import GiftBasketGroup
from baskets.selectors import (
    basket_gift_basket_groups,
    default_strategy,
    design_summary,
    order_gift_basket_groups,
)
from baskets.services import (
    GiftBasketError,
    gift_basket_add_to_cart,
    gift_basket_group_remove,
    gift_basket_group_set_quantity,
)
from baskets.tests.conftest import THREE_VENDOR_SKUS, make_design
from vendors.models import VendorProfile

Basket = get_model("basket", "Basket")
StockRecord = get_model("partner", "StockRecord")
Product = get_model("catalogue", "Product")
OrderCreator = get_class("order.utils", "OrderCreator")
OrderTotalCalculator = get_class("checkout.calculators", "OrderTotalCalculator")
Free = get_class("shipping.methods", "Free")

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """The rules' messages are asserted in English, the source language."""
    with translation.override("en"):
        yield


def _cart_state(basket):
    return sorted(basket.lines.values_list("product__upc", "quantity", "stockrecord__partner__code"))


def test_design_from_three_vendors_added_three_times_gives_vendor_lines_plus_hub_packaging(
    three_vendor_design, fresh_basket
):
    composer_price = design_summary(
        design=three_vendor_design, strategy=default_strategy()
    ).unit_price_incl_tax

    group = gift_basket_add_to_cart(basket=fresh_basket, design=three_vendor_design, quantity=3)

    basket = Basket.objects.get(pk=fresh_basket.pk)
    basket.strategy = default_strategy()
    lines = list(basket.all_lines())
    assert {line.stockrecord.partner.code for line in lines} == {
        "havefolket",
        "ristet-ro",
        "skovbrynet",
        "verdensbutikken",
    }
    quantities = {line.product.upc: line.quantity for line in lines}
    assert quantities == {"HF-VIN-01": 3, "RR-KAF-01": 6, "SB-SMA-01": 3, "VB-PAK-KURV": 3}
    assert all(line.attributes.get().value == group.reference for line in lines)
    # 189 + 2 x 79 + 95 kr. of products and 49 kr. of packaging, VAT included.
    assert composer_price == Decimal("491.00")
    assert basket.total_incl_tax == 3 * composer_price
    assert group.quantity == 3 and group.name == "Testdesign" and group.gift_message == "God jul"


def test_the_same_design_added_twice_becomes_one_group_of_both_quantities(three_vendor_design, fresh_basket):
    first = gift_basket_add_to_cart(basket=fresh_basket, design=three_vendor_design, quantity=1)
    second = gift_basket_add_to_cart(basket=fresh_basket, design=three_vendor_design, quantity=2)

    [group] = basket_gift_basket_groups(basket=fresh_basket)
    assert first.pk == second.pk == group.group.pk
    assert group.quantity == 3
    assert dict(fresh_basket.lines.values_list("product__upc", "quantity")) == {
        "HF-VIN-01": 3,
        "RR-KAF-01": 6,
        "SB-SMA-01": 3,
        "VB-PAK-KURV": 3,
    }


def test_a_changed_design_added_again_becomes_a_separate_group(three_vendor_design, fresh_basket):
    first = gift_basket_add_to_cart(basket=fresh_basket, design=three_vendor_design, quantity=1)
    three_vendor_design.gift_message = "Tillykke"
    three_vendor_design.save()
    three_vendor_design.items.filter(product__upc="RR-KAF-01").update(quantity=1)

    second = gift_basket_add_to_cart(basket=fresh_basket, design=three_vendor_design, quantity=2)

    groups = {g.group.reference: g for g in basket_gift_basket_groups(basket=fresh_basket)}
    assert set(groups) == {first.reference, second.reference}
    assert fresh_basket.lines.count() == 8
    assert groups[second.reference].group.gift_message == "Tillykke"
    assert groups[first.reference].total_incl_tax == Decimal("491.00")
    assert groups[second.reference].total_incl_tax == 2 * Decimal("412.00")


def _deactivate(design):
    design.basket_type.is_active = False
    design.basket_type.save()


def _out_of_period(design):
    design.basket_type.active_until = timezone.localdate() - datetime.timedelta(days=1)
    design.basket_type.save()


def _too_few(design):
    design.items.filter(product__upc="SB-SMA-01").delete()
    design.items.filter(product__upc="RR-KAF-01").update(quantity=1)


def _too_many(design):
    design.items.filter(product__upc="RR-KAF-01").update(quantity=6)


def _over_budget(design):
    design.basket_type.max_budget = Decimal("400.00")
    design.basket_type.save()


def _under_budget(design):
    design.basket_type.min_budget = Decimal("600.00")
    design.basket_type.save()


def _unapproved_vendor(design):
    VendorProfile.objects.filter(partner__code="ristet-ro").update(status=VendorProfile.Status.SUSPENDED)


def _out_of_stock(design):
    StockRecord.objects.filter(partner_sku="SB-SMA-01").update(num_in_stock=0)


def _not_enough_for_three(design):
    StockRecord.objects.filter(partner_sku="HF-VIN-01").update(num_in_stock=2)


def _packaging_sold_out(design):
    StockRecord.objects.filter(partner_sku="VB-PAK-KURV").update(num_in_stock=1)


def _food_and_nonfood_mixed(design):
    design.basket_type.allow_mixing = False
    design.basket_type.save()
    design.items.create(product=Product.objects.get(upc="LP-KRO-01"), quantity=1)


@pytest.mark.parametrize(
    ("break_rule", "reason"),
    [
        (_deactivate, "is not available now"),
        (_out_of_period, "is not available now"),
        (_too_few, "Too few items"),
        (_too_many, "Too many items"),
        (_over_budget, "Over budget"),
        (_under_budget, "Under budget"),
        (_unapproved_vendor, "not approved"),
        (_out_of_stock, "Julesmåkager is out of stock"),
        (_not_enough_for_three, "Not enough Rødvin Solhverv 2024 in stock: 3 needed, 2 available"),
        (_packaging_sold_out, "Not enough Flettet gavekurv"),
        (_food_and_nonfood_mixed, "cannot mix food and non-food"),
    ],
)
def test_invalid_add_leaves_the_cart_unchanged_and_says_why(
    three_vendor_design, basket_type, fresh_basket, break_rule, reason
):
    other = make_design(basket_type=basket_type, skus={"TV-VIS-01": 1, "LP-BLO-01": 1, "VB-TE-01": 1})
    gift_basket_add_to_cart(basket=fresh_basket, design=other, quantity=1)
    before = _cart_state(fresh_basket)
    groups_before = GiftBasketGroup.objects.count()
    break_rule(three_vendor_design)

    with pytest.raises(GiftBasketError) as error:
        gift_basket_add_to_cart(basket=fresh_basket, design=three_vendor_design, quantity=3)

    assert any(reason in message for message in error.value.messages), error.value.messages
    assert _cart_state(fresh_basket) == before
    assert GiftBasketGroup.objects.count() == groups_before


def test_stock_check_counts_what_the_cart_already_holds(three_vendor_design, fresh_basket):
    StockRecord.objects.filter(partner_sku="HF-VIN-01").update(num_in_stock=5)
    gift_basket_add_to_cart(basket=fresh_basket, design=three_vendor_design, quantity=3)
    before = _cart_state(fresh_basket)

    with pytest.raises(GiftBasketError) as error:
        gift_basket_add_to_cart(basket=fresh_basket, design=three_vendor_design, quantity=3)

    assert "6 needed, 5 available" in " ".join(error.value.messages)
    assert _cart_state(fresh_basket) == before


def test_changing_the_number_of_baskets_moves_every_line_of_the_group(three_vendor_design, fresh_basket):
    group = gift_basket_add_to_cart(basket=fresh_basket, design=three_vendor_design, quantity=3)

    gift_basket_group_set_quantity(basket=fresh_basket, reference=group.reference, quantity=5)

    assert dict(fresh_basket.lines.values_list("product__upc", "quantity")) == {
        "HF-VIN-01": 5,
        "RR-KAF-01": 10,
        "SB-SMA-01": 5,
        "VB-PAK-KURV": 5,
    }
    assert GiftBasketGroup.objects.get(pk=group.pk).quantity == 5


def test_changing_the_number_beyond_stock_changes_nothing(three_vendor_design, fresh_basket):
    group = gift_basket_add_to_cart(basket=fresh_basket, design=three_vendor_design, quantity=2)
    StockRecord.objects.filter(partner_sku="RR-KAF-01").update(num_in_stock=7)
    before = _cart_state(fresh_basket)

    with pytest.raises(GiftBasketError) as error:
        gift_basket_group_set_quantity(basket=fresh_basket, reference=group.reference, quantity=4)

    assert "Espresso Morgenrøde" in " ".join(error.value.messages)
    assert _cart_state(fresh_basket) == before
    assert GiftBasketGroup.objects.get(pk=group.pk).quantity == 2


def test_removing_a_gift_basket_removes_all_its_lines_and_nothing_else(
    three_vendor_design, basket_type, fresh_basket
):
    keep = gift_basket_add_to_cart(basket=fresh_basket, design=three_vendor_design, quantity=1)
    other = make_design(basket_type=basket_type, skus={"TV-VIS-01": 1, "LP-BLO-01": 1, "VB-TE-01": 1})
    drop = gift_basket_add_to_cart(basket=fresh_basket, design=other, quantity=2)

    gift_basket_group_remove(basket=fresh_basket, reference=drop.reference)

    assert [g.group.reference for g in basket_gift_basket_groups(basket=fresh_basket)] == [keep.reference]
    assert fresh_basket.lines.count() == 4
    assert not GiftBasketGroup.objects.filter(pk=drop.pk).exists()


def test_placed_order_keeps_the_group_and_its_price_to_the_ore(three_vendor_design, fresh_basket):
    strategy = default_strategy()
    composer_price = design_summary(design=three_vendor_design, strategy=strategy).unit_price_incl_tax
    group = gift_basket_add_to_cart(
        basket=fresh_basket, design=three_vendor_design, quantity=3, strategy=strategy
    )
    basket = Basket.objects.get(pk=fresh_basket.pk)
    basket.strategy = strategy
    shipping = Free()
    charge = shipping.calculate(basket)
    total = OrderTotalCalculator().calculate(basket, charge)

    order = OrderCreator().place_order(
        basket=basket, total=total, shipping_method=shipping, shipping_charge=charge, order_number="GB-100001"
    )

    [placed] = order_gift_basket_groups(order=order)
    assert placed.reference == group.reference
    assert (placed.name, placed.quantity, placed.gift_message) == ("Testdesign", 3, "God jul")
    assert placed.price_incl_tax == 3 * composer_price == order.total_incl_tax
    assert placed.unit_price_incl_tax == composer_price
    assert [partner.code for partner, _lines in placed.lines_by_partner] == [
        "havefolket",
        "ristet-ro",
        "skovbrynet",
        "verdensbutikken",
    ]
    assert [line.product.upc for line in placed.packaging_lines] == ["VB-PAK-KURV"]
    assert {placed.per_basket_quantity(line) for line in placed.lines} == {1, 2}


def test_a_published_design_can_be_bought_n_times_in_a_fresh_basket_outside_a_request(shop):
    from baskets.models import BasketDesign

    design = BasketDesign.objects.get(slug="julekurv-fra-aarhus", is_published=True)
    basket = Basket.objects.create()

    group = gift_basket_add_to_cart(basket=basket, design=design, quantity=10)

    summary = design_summary(design=design, strategy=default_strategy())
    basket = Basket.objects.get(pk=basket.pk)
    basket.strategy = default_strategy()
    assert group.quantity == 10
    assert basket.total_incl_tax == 10 * summary.unit_price_incl_tax
    assert len({line.stockrecord.partner_id for line in basket.all_lines()}) >= 5


def test_design_summary_lists_the_enterprises_it_supports(three_vendor_design):
    summary = design_summary(design=three_vendor_design, strategy=default_strategy())

    assert [v.partner.code for v in summary.vendors] == ["havefolket", "ristet-ro", "skovbrynet"]
    assert summary.item_count == sum(THREE_VENDOR_SKUS.values())
    assert summary.can_add


def test_abandoned_drafts_are_purged_but_saved_published_and_recent_designs_stay(basket_type):
    from baskets.models import BasketDesign
    from baskets.tasks import gift_basket_drafts_purge

    old = timezone.now() - datetime.timedelta(days=31)
    abandoned = make_design(basket_type=basket_type, skus={"HF-VIN-01": 1})
    saved = BasketDesign.objects.create(basket_type=basket_type, name="Gemt", is_saved=True)
    recent = BasketDesign.objects.create(basket_type=basket_type, name="Ny")
    BasketDesign.objects.filter(pk__in=[abandoned.pk, saved.pk]).update(updated_at=old)

    purged = gift_basket_drafts_purge.delay().get()

    assert purged == 1
    assert not BasketDesign.objects.filter(pk=abandoned.pk).exists()
    assert BasketDesign.objects.filter(pk__in=[saved.pk, recent.pk]).count() == 2
    assert set(BasketDesign.objects.filter(is_published=True).values_list("slug", flat=True)) == {
        "julekurv-fra-aarhus",  # the factory shop's two ready-made baskets
        "kaffestund",
    }

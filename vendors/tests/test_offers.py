"""Offers: one catalogue product sold by several enterprises, each with its own stock record."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from oscar.core.loading import get_class, get_model

from marketplace import storefront_cache
from vendors import services
from vendors.tests.conftest import VALID_CVRS, make_product, make_vendor

pytestmark = pytest.mark.django_db

StockRecord = get_model("partner", "StockRecord")
Basket = get_model("basket", "Basket")
Selector = get_class("partner.strategy", "Selector")


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    settings.STOREFRONT_CACHE_SECONDS = 0
    storefront_cache.storefront_version_bump()


def add_offer(vendor, product, *, sku, price, stock=20, status=StockRecord.OfferStatus.APPROVED):
    return StockRecord.objects.create(
        product=product,
        partner=vendor.partner,
        partner_sku=sku,
        price=Decimal(price),
        price_currency="DKK",
        num_in_stock=stock,
        offer_status=status,
    )


@pytest.fixture
def honey(vendor_a, vendor_b):
    """Honey first listed by B at 80.00, then offered by A (RSØV) at 72.00 and C at 76.00."""
    vendor_c = make_vendor("c", cvr=VALID_CVRS[2])
    product = make_product(vendor_b, title="Økologisk honning 250 g", sku="B-HON", price="80.00")
    offer_a = add_offer(vendor_a, product, sku="A-HON", price="72.00", stock=5)
    offer_c = add_offer(vendor_c, product, sku="C-HON", price="76.00", stock=30)
    return {
        "product": product,
        "b": product.stockrecords.get(partner=vendor_b.partner),
        "a": offer_a,
        "c": offer_c,
        "vendor_c": vendor_c,
    }


def default_offer(product):
    return Selector().strategy().fetch_for_product(product).stockrecord


def test_default_offer_is_the_cheapest_in_stock_not_the_first_stock_record(honey):
    # given B's offer is the oldest (lowest id) but the dearest
    assert honey["b"].pk < honey["a"].pk

    # then the default is A's, the cheapest
    assert default_offer(honey["product"]) == honey["a"]


def test_default_offer_skips_offers_out_of_stock_and_breaks_price_ties_by_rsov_then_stock(honey, vendor_a):
    # given A (cheapest) is sold out, C and B cost the same, B is not RSØV but C neither; C has more stock
    honey["a"].num_in_stock = 0
    honey["a"].save()
    honey["b"].price = Decimal("76.00")
    honey["b"].save()

    assert default_offer(honey["product"]) == honey["c"]

    # when a fourth, RSØV vendor offers the same price with less stock
    vendor_d = make_vendor("d", cvr=VALID_CVRS[3], is_rsov=True)
    offer_d = add_offer(vendor_d, honey["product"], sku="D-HON", price="76.00", stock=2)

    # then RSØV wins the tie before stock does
    assert default_offer(honey["product"]) == offer_d


def test_pending_offer_is_never_the_default_even_when_cheapest(honey, vendor_a):
    vendor_d = make_vendor("d", cvr=VALID_CVRS[3])
    add_offer(vendor_d, honey["product"], sku="D-HON", price="10.00", status=StockRecord.OfferStatus.PENDING)

    assert default_offer(honey["product"]) == honey["a"]


def test_product_page_lists_the_three_offers_with_vendor_rsov_and_price(client, honey):
    response = client.get(honey["product"].get_absolute_url())

    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('data-testid="offer"') == 3
    assert "Vendor a" in html and "Vendor b" in html and "Vendor c" in html
    assert "90.00" in html and "95.00" in html and "100.00" in html  # 72/76/80 + 25 % VAT
    assert "RSØV" in html
    # A's (cheapest) radio is preselected
    assert f'value="{honey["a"].pk}" checked' in html


def test_buyer_choosing_another_offer_gets_that_vendors_price_in_cart_and_order(client, honey):
    # given the buyer picks C's offer, not the default A
    url = reverse("catalogue:offer-add", kwargs={"pk": honey["product"].pk})

    response = client.post(url, {"stockrecord": honey["c"].pk, "quantity": 2})

    # then the basket line is C's stock record at C's price incl. VAT
    assert response.status_code == 302
    basket = Basket.objects.get()
    basket.strategy = Selector().strategy()
    line = basket.all_lines()[0]
    assert line.stockrecord == honey["c"]
    assert line.unit_price_incl_tax == Decimal("95.00")
    assert basket.total_incl_tax == Decimal("190.00")
    # and the basket page shows C's price, not the default offer's
    page = client.get(reverse("basket:summary")).content.decode()
    assert "190.00" in page

    # when the order is placed, its line belongs to C at C's price
    from oscar.test.factories import create_order

    order = create_order(basket=basket)
    order_line = order.lines.get()
    assert order_line.partner == honey["vendor_c"].partner
    assert order_line.stockrecord == honey["c"]
    assert order_line.line_price_incl_tax == Decimal("190.00")


def test_buyer_cannot_choose_a_pending_or_foreign_offer(client, honey, vendor_a):
    vendor_d = make_vendor("d", cvr=VALID_CVRS[3])
    pending = add_offer(
        vendor_d, honey["product"], sku="D-HON", price="10.00", status=StockRecord.OfferStatus.PENDING
    )
    other_product = make_product(vendor_a, title="Rabarbermarmelade", sku="A-RAB")
    foreign = other_product.stockrecords.get()
    url = reverse("catalogue:offer-add", kwargs={"pk": honey["product"].pk})

    for record in (pending, foreign):
        response = client.post(url, {"stockrecord": record.pk, "quantity": 1})
        assert response.status_code == 302

    assert not Basket.objects.filter(lines__isnull=False).exists()


def test_buyer_cannot_add_more_than_the_chosen_offer_has_in_stock(client, honey):
    # A has 5; C has 30
    url = reverse("catalogue:offer-add", kwargs={"pk": honey["product"].pk})

    client.post(url, {"stockrecord": honey["a"].pk, "quantity": 6})

    assert not Basket.objects.filter(lines__isnull=False).exists()


def test_catalogue_lists_a_shared_product_once_with_from_price_and_enterprise_count(client, honey):
    response = client.get(reverse("catalogue:index"))

    html = response.content.decode()
    assert html.count(f'data-product-id="{honey["product"].pk}"') == 1
    assert "Offered by 3 enterprises" in html
    assert "from 90.00" in html.replace("\xa0", " ") or "from DKK90.00" in html or "from 90,00" in html


def test_offer_of_an_existing_product_needs_staff_approval_before_it_can_be_bought(
    client_a, staff_client, vendor_b, settings
):
    # given B sells jam; A says "we make this too"
    settings.VENDOR_PRODUCT_APPROVAL_REQUIRED = True
    jam = make_product(vendor_b, title="Rabarbermarmelade", sku="B-RAB", price="40.00")
    search = client_a.get(reverse("vendor_dashboard:offer-product-search"), {"q": "rabarber"})
    assert "Rabarbermarmelade" in search.content.decode()

    response = client_a.post(
        reverse("vendor_dashboard:offer-create", kwargs={"product_pk": jam.pk}),
        {"partner_sku": "A-RAB", "price_excl_tax": "36,00", "num_in_stock": "50"},
    )

    # then the offer exists, pending, and buyers neither see nor can buy it
    assert response.status_code == 302
    offer = StockRecord.objects.get(partner_sku="A-RAB")
    assert offer.offer_status == StockRecord.OfferStatus.PENDING
    assert offer.price == Decimal("36.00")
    buyer = Client()
    add_url = reverse("catalogue:offer-add", kwargs={"pk": jam.pk})
    assert "Vendor a" not in buyer.get(jam.get_absolute_url()).content.decode()
    buyer.post(add_url, {"stockrecord": offer.pk, "quantity": 1})
    assert not Basket.objects.filter(lines__isnull=False).exists()
    pending_page = staff_client.get(reverse("vendor_dashboard:offer-approval-list")).content.decode()
    assert "Rabarbermarmelade" in pending_page

    # when staff approve it
    staff_client.post(
        reverse("vendor_dashboard:offer-decision", kwargs={"pk": offer.pk}), {"action": "approve"}
    )

    # then it is shown, is the default (cheaper) and can be bought
    offer.refresh_from_db()
    assert offer.offer_status == StockRecord.OfferStatus.APPROVED
    assert "Vendor a" in buyer.get(jam.get_absolute_url()).content.decode()
    assert default_offer(jam) == offer
    buyer.post(add_url, {"stockrecord": offer.pk, "quantity": 1})
    assert Basket.objects.get(lines__isnull=False).all_lines()[0].stockrecord == offer


def test_staff_reject_an_offer_with_a_reason_the_vendor_sees(client_a, staff_client, vendor_a, vendor_b):
    jam = make_product(vendor_b, title="Rabarbermarmelade", sku="B-RAB")
    offer = services.offer_create(
        vendor=vendor_a, product=jam, partner_sku="A-RAB", price_excl_tax=Decimal("36"), num_in_stock=5
    )

    staff_client.post(
        reverse("vendor_dashboard:offer-decision", kwargs={"pk": offer.pk}),
        {"action": "reject", "reason": "Ikke økologisk"},
    )

    offer.refresh_from_db()
    assert offer.offer_status == StockRecord.OfferStatus.REJECTED
    assert "Ikke økologisk" in client_a.get(reverse("vendor_dashboard:offer-list")).content.decode()


@pytest.mark.parametrize(
    "data, field",
    [
        ({"partner_sku": "A-RAB", "price_excl_tax": "-5", "num_in_stock": "5"}, "price_excl_tax"),
        ({"partner_sku": "A-RAB", "price_excl_tax": "abc", "num_in_stock": "5"}, "price_excl_tax"),
        ({"partner_sku": "A-RAB", "price_excl_tax": "36", "num_in_stock": "-1"}, "num_in_stock"),
        ({"partner_sku": "A-RAB", "price_excl_tax": "36", "num_in_stock": "99999999999"}, "num_in_stock"),
        ({"partner_sku": "A-RAB", "price_excl_tax": "1e12", "num_in_stock": "5"}, "price_excl_tax"),
        ({"partner_sku": "", "price_excl_tax": "36", "num_in_stock": "5"}, "partner_sku"),
    ],
)
def test_offer_form_says_what_is_wrong_and_saves_nothing(client_a, vendor_b, data, field):
    jam = make_product(vendor_b, title="Rabarbermarmelade", sku="B-RAB")

    response = client_a.post(reverse("vendor_dashboard:offer-create", kwargs={"product_pk": jam.pk}), data)

    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert jam.stockrecords.count() == 1


def test_vendor_sees_only_its_own_offers_of_a_shared_product(client_a, honey):
    response = client_a.get(reverse("vendor_dashboard:offer-list"))

    html = response.content.decode()
    assert "A-HON" in html
    assert "B-HON" not in html and "C-HON" not in html
    assert "80.00" not in html and "76.00" not in html


def test_vendor_cannot_offer_a_product_twice(client_a, honey):
    url = reverse("vendor_dashboard:offer-create", kwargs={"product_pk": honey["product"].pk})

    response = client_a.get(url)

    assert response.status_code == 404

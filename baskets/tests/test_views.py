"""The composer and shop pages: plain forms, the fetch answers, rules, permissions and query counts."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from oscar.core.loading import get_model

from baskets import views
from baskets.models import BasketDesign, BasketType, GiftBasketGroup
from baskets.tests.conftest import make_design
from tests.factories import PASSWORD, customer, offer

Product = get_model("catalogue", "Product")
ProductCategory = get_model("catalogue", "ProductCategory")
StockRecord = get_model("partner", "StockRecord")
Basket = get_model("basket", "Basket")

pytestmark = pytest.mark.django_db

COMPOSER = "/da/gavekurve/sammensaet/"


def _product(upc):
    return Product.objects.get(upc=upc)


def _compose(client, *, type_slug="gavekurv", skus=("HF-VIN-01", "RR-KAF-01", "SB-SMA-01")):
    client.post(f"{COMPOSER}type/", {"basket_type": BasketType.objects.get(slug=type_slug).pk})
    for sku in skus:
        client.post(f"{COMPOSER}tilfoej/", {"product": _product(sku).pk, "quantity": 1})
    return BasketDesign.objects.get(pk=client.session[views.SESSION_KEY])


def _cart_lines(client):
    basket = Basket.objects.filter(lines__isnull=False).distinct()
    return sorted(
        (line.product.upc, line.quantity) for b in basket for line in b.lines.select_related("product")
    )


def test_anonymous_buyer_keeps_the_design_in_the_session(client, shop):
    design = _compose(client)

    response = client.get(COMPOSER)

    html = response.content.decode()
    assert design.owner is None
    assert [i.product.upc for i in design.items.order_by("pk")] == ["HF-VIN-01", "RR-KAF-01", "SB-SMA-01"]
    assert "Din gavekurv" in html and "Julesmåkager" in html
    assert "412,00" in html  # 189 + 79 + 95 + 49 kr. packaging


def test_fetch_add_answers_with_the_refreshed_panel_instead_of_a_redirect(client, shop):
    _compose(client, skus=())

    response = client.post(
        f"{COMPOSER}tilfoej/", {"product": _product("LP-KRO-01").pk}, HTTP_ACCEPT="application/json"
    )

    data = response.json()
    assert response.status_code == 200 and data["ok"] is True
    assert "Kronelys, 4 stk." in data["panel"]
    assert data["messages"] == ["Kronelys, 4 stk. er lagt i gavekurven."]


def test_composer_refuses_an_item_beyond_the_types_maximum(client, shop):
    design = _compose(
        client, type_slug="lille-gaveaeske", skus=("HF-VIN-01", "RR-KAF-01", "SB-SMA-01", "LP-KRO-01")
    )

    response = client.post(
        f"{COMPOSER}tilfoej/", {"product": _product("TV-VIS-01").pk}, HTTP_ACCEPT="application/json"
    )

    assert response.status_code == 400
    assert "Kurven er fuld" in response.json()["messages"][0]
    assert design.items.count() == 4


def test_packaging_and_hidden_products_cannot_be_put_in_a_design(client, shop):
    design = _compose(client, skus=())

    response = client.post(f"{COMPOSER}tilfoej/", {"product": _product("VB-PAK-KURV").pk}, follow=True)

    assert "ikke til salg" in response.content.decode()
    assert not design.items.exists()


def test_add_to_cart_through_the_page_is_checked_on_the_server_and_leaves_the_cart_unchanged(client, shop):
    _compose(client, skus=("HF-MOST-01", "VB-SUK-01", "SB-HAV-01"))  # 45 + 29 + 39 + 49 < 250 kr.

    response = client.post(f"{COMPOSER}i-kurv/", {"quantity": 2}, follow=True)

    html = response.content.decode()
    assert response.redirect_chain[-1][0] == COMPOSER
    assert "Gavekurven blev ikke lagt i kurven." in html
    assert "Under budget: kurven koster 162,00 kr., mindst 250,00 kr." in html
    assert _cart_lines(client) == []
    assert not GiftBasketGroup.objects.exists()


def test_inactive_type_is_refused_by_the_server_even_when_the_page_offered_it(client, shop):
    design = _compose(client)
    BasketType.objects.filter(pk=design.basket_type_id).update(is_active=False)

    response = client.post(f"{COMPOSER}i-kurv/", {"quantity": 1}, follow=True)

    assert "Kurvtypen Gavekurv kan ikke bestilles nu." in response.content.decode()
    assert _cart_lines(client) == []


def test_composer_price_equals_the_cart_price_for_n_baskets(client, shop):
    _compose(client)
    composer_html = client.get(COMPOSER).content.decode()

    response = client.post(f"{COMPOSER}i-kurv/", {"quantity": 3}, follow=True)

    html = response.content.decode()
    assert 'data-testid="composer-price">412,00' in composer_html.replace("\xa0", " ").replace(" kr.", "")
    assert "Gavekurv &#x27;Min gavekurv&#x27; × 3" in html
    assert "1.236,00" in html  # 3 × 412,00 kr.
    basket = GiftBasketGroup.objects.get().basket
    assert sum(line.line_price_incl_tax for line in _priced_lines(basket)) == 3 * Decimal("412.00")


def _priced_lines(basket):
    from baskets.selectors import default_strategy

    basket.strategy = default_strategy()
    return basket.all_lines()


def test_cart_quantity_and_removal_act_on_the_whole_gift_basket(client, shop):
    _compose(client)
    client.post(f"{COMPOSER}i-kurv/", {"quantity": 1})
    group = GiftBasketGroup.objects.get()

    client.post(f"/da/gavekurve/kurv/{group.reference}/antal/", {"quantity": 4})
    after_change = _cart_lines(client)
    client.post(f"/da/gavekurve/kurv/{group.reference}/fjern/")

    assert after_change == [("HF-VIN-01", 4), ("RR-KAF-01", 4), ("SB-SMA-01", 4), ("VB-PAK-KURV", 4)]
    assert _cart_lines(client) == []


def test_someone_elses_cart_group_cannot_be_changed(client, shop, basket_type):
    other_basket = Basket.objects.create()
    from baskets.services import gift_basket_add_to_cart

    design = make_design(basket_type=basket_type, skus={"HF-VIN-01": 1, "RR-KAF-01": 1, "SB-SMA-01": 1})
    group = gift_basket_add_to_cart(basket=other_basket, design=design, quantity=1)

    response = client.post(f"/da/gavekurve/kurv/{group.reference}/fjern/", follow=True)

    assert "Den gavekurv er ikke i din indkøbskurv." in response.content.decode()
    assert other_basket.lines.count() == 4


def test_ready_made_basket_bought_as_is_and_copied_to_change(client, shop):
    page = client.get("/da/gavekurve/faerdige/julekurv-fra-aarhus/")
    assert "Julekurv fra Aarhus" in page.content.decode()

    client.post("/da/gavekurve/faerdige/julekurv-fra-aarhus/i-kurv/", {"quantity": 2})
    client.post("/da/gavekurve/faerdige/julekurv-fra-aarhus/kopier/")

    group = GiftBasketGroup.objects.get()
    copy = BasketDesign.objects.get(pk=client.session[views.SESSION_KEY])
    original = BasketDesign.objects.get(slug="julekurv-fra-aarhus")
    assert (group.name, group.quantity, group.gift_message) == ("Julekurv fra Aarhus", 2, "Glædelig jul!")
    assert copy.copied_from == original and not copy.is_published
    assert sorted(copy.items.values_list("product_id", "quantity")) == sorted(
        original.items.values_list("product_id", "quantity")
    )


def test_logged_in_buyer_saves_renames_copies_and_deletes_designs(client, shop):
    user = shop.customer
    client.force_login(user)
    design = _compose(client)

    client.post(f"{COMPOSER}gem/")
    client.post(f"/da/gavekurve/mine/{design.pk}/omdoeb/", {"name": "Til mormor"})
    client.post(f"/da/gavekurve/mine/{design.pk}/kopier/")
    listing = client.get("/da/gavekurve/mine/").content.decode()
    copy = BasketDesign.objects.exclude(pk=design.pk).get(owner=user, is_saved=True)
    client.post(f"/da/gavekurve/mine/{design.pk}/slet/")

    assert "Til mormor" in listing and "Kopi af Til mormor" in listing
    assert copy.items.count() == 3
    assert list(BasketDesign.objects.filter(owner=user).values_list("name", flat=True)) == [
        "Kopi af Til mormor"
    ]


def test_a_buyer_cannot_open_or_delete_another_buyers_design(client, shop):
    owner = shop.customer
    design = BasketDesign.objects.create(owner=owner, is_saved=True, name="Privat")
    client.force_login(customer(email="anden@example.dk"))

    assert client.post(f"/da/gavekurve/mine/{design.pk}/slet/").status_code == 404
    assert client.post(f"/da/gavekurve/mine/{design.pk}/aabn/").status_code == 404
    assert BasketDesign.objects.filter(pk=design.pk).exists()


def test_my_designs_needs_a_login(client, shop):
    response = client.get("/da/gavekurve/mine/")

    assert response.status_code == 302 and "login" in response["Location"]


def test_filters_by_vendor_rsov_price_and_stock(client, shop):
    # given Ristet Ro (not RSØV) with its two coffees and an offer of Skovbrynet's rye bread too,
    # and the hub (RSØV) offering Ristet Ro's filter coffee as well
    ristet_ro, hub = shop.vendors["ristet-ro"], shop.vendors["verdensbutikken"]
    offer(product=shop.product("SB-RUG-01"), partner=ristet_ro, price_incl_vat="49.00", stock=10)
    offer(product=shop.product("RR-KAF-02"), partner=hub, price_incl_vat="79.00")
    StockRecord.objects.filter(product__upc="RR-KAF-02").update(num_in_stock=0)  # every offer of it

    by_vendor = client.get(COMPOSER, {"vendor": "ristet-ro"}).context["page"].paginator.object_list
    in_stock = (
        client.get(COMPOSER, {"vendor": "ristet-ro", "in_stock": "on"}).context["page"].paginator.object_list
    )
    rsov = client.get(COMPOSER, {"rsov": "on"}).context["page"].paginator.object_list
    cheap = client.get(COMPOSER, {"price_max": "40"}).context["page"].paginator.object_list

    # Ristet Ro's own 2 products and the shared product it offers too
    offers = StockRecord.objects.filter(partner__code="ristet-ro")
    ristet_ro = set(offers.values_list("product__upc", flat=True))
    assert {p.upc for p in by_vendor} == ristet_ro == {"RR-KAF-01", "RR-KAF-02", "SB-RUG-01"}
    assert "RR-KAF-02" not in {p.upc for p in in_stock} and len(in_stock) == 2
    # Ristet Ro and Trådværket are not RSØV: their products show only where an RSØV enterprise offers them too
    assert {p.upc[:2] for p in rsov} - {"RR"} == {"HF", "VB", "SB", "LP"}
    assert all(p.stockrecords.filter(partner__vendor_profile__is_rsov=True).exists() for p in rsov)
    assert "RR-KAF-01" not in {p.upc for p in rsov} and "RR-KAF-02" in {p.upc for p in rsov}
    assert all(min(r.price for r in p.stockrecords.all()) * Decimal("1.25") <= 40 for p in cheap)
    assert {p.upc for p in cheap} == {"VB-CHOK-01", "VB-SUK-01", "SB-HAV-01"}  # 35, 29 and 39 kr.
    assert not {p.upc for p in rsov} & {"VB-PAK-AESKE", "VB-PAK-KURV"}


def _extra_products(count):
    template = _product("HF-MOST-01")
    partner = template.stockrecords.get().partner
    category = template.categories.first()
    for n in range(count):
        product = Product.objects.create(
            upc=f"XTRA-{n}", title=f"Ekstra vare {n}", product_class=template.product_class, is_public=True
        )
        ProductCategory.objects.create(product=product, category=category)
        StockRecord.objects.create(
            product=product, partner=partner, partner_sku=f"XTRA-{n}", price=Decimal("40.00"), num_in_stock=5
        )


def _composer_queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(COMPOSER)
    assert response.status_code == 200
    return len(queries)


def test_composer_page_query_count_does_not_grow_with_the_number_of_products(
    client, shop, monkeypatch, django_assert_max_num_queries
):
    _compose(client)
    monkeypatch.setattr(views, "PRODUCTS_PER_PAGE", 500)
    client.get(COMPOSER)  # warm the session and caches the way a returning buyer would
    few = _composer_queries(client)

    _extra_products(40)
    client.get(COMPOSER)  # the new products bumped the storefront version: warm the menus again
    many = _composer_queries(client)

    assert many == few, few
    with django_assert_max_num_queries(15):
        client.get(COMPOSER)


def test_gift_basket_survives_logging_in_when_oscar_merges_the_carts(client, shop):
    _compose(client)
    client.post(f"{COMPOSER}i-kurv/", {"quantity": 2})

    client.post(
        "/da/accounts/login/",
        {"login-username": shop.customer.email, "login-password": PASSWORD, "login_submit": "1"},
    )
    html = client.get("/da/basket/").content.decode().replace("&#x27;", "'").replace("\xa0", " ")

    user_basket = Basket.objects.get(owner=shop.customer, status=Basket.OPEN)
    assert user_basket.lines.count() == 4
    assert "Gavekurv 'Min gavekurv' × 2" in html
    assert "824,00 kr." in html


def test_mini_basket_shows_the_gift_basket_as_one_entry(client, shop):
    _compose(client)
    client.post(f"{COMPOSER}i-kurv/", {"quantity": 2})

    html = client.get("/da/gavekurve/").content.decode().replace("&#x27;", "'").replace("\xa0", " ")

    start = html.index('class="basket-mini-item')
    mini = html[start : html.index("</ul>", start)]
    assert "Gavekurv 'Min gavekurv' × 2" in mini
    assert "Rødvin Solhverv 2024" not in mini

"""Prices typed by vendors: Danish notation, more than 0, DKK only — in form, model and database."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st
from oscar.core.loading import get_class, get_model

from marketplace.money import danish_amount_format, danish_price_parse
from vendors.tests.conftest import make_product
from vendors.tests.test_dashboard_isolation import product_form_data

StockRecord = get_model("partner", "StockRecord")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("49,95", "49.95"),
        ("1.249,00", "1249.00"),
        ("49,95 kr", "49.95"),
        ("49,95 kr.", "49.95"),
        ("1249.00", "1249.00"),
        ("80", "80.00"),
        (" 1.000.000,5 ", "1000000.50"),
        ("DKK 12,00", "12.00"),
    ],
)
def test_danish_price_notation_is_understood(typed, expected):
    assert danish_price_parse(typed) == Decimal(expected)


@pytest.mark.parametrize("typed", ["1,249", "1.249", "12.345"])
def test_ambiguous_price_is_refused_with_what_to_type(typed):
    with pytest.raises(ValidationError) as error:
        danish_price_parse(typed)
    assert "49,95" in str(error.value) and "1.249,00" in str(error.value)


@pytest.mark.parametrize(
    "typed", ["-6,25", "0", "0,00", "abc", "1e30", "NaN", "Infinity", "99999999999", "", "1,2,3"]
)
def test_bad_prices_are_refused(typed):
    with pytest.raises(ValidationError):
        danish_price_parse(typed)


@given(st.decimals(min_value=Decimal("0.01"), max_value=Decimal("9999999999.99"), places=2))
def test_a_price_written_the_danish_way_reads_back_as_itself(amount):
    written = danish_amount_format(amount)
    assert danish_price_parse(written) == amount
    assert danish_price_parse(written + " kr") == amount


@given(st.text(max_size=40))
def test_any_text_gives_a_positive_two_place_price_or_a_validation_error(text):
    try:
        price = danish_price_parse(text)
    except ValidationError:
        return
    assert price > 0 and price == price.quantize(Decimal("0.01"))


def _stock_post(client, product, vendor, *, price, currency="DKK", **fields):
    """POST the dashboard product form with its one stock record; `fields` override any field."""
    formset_class = get_class("dashboard.catalogue.formsets", "StockRecordFormSet")
    record = product.stockrecords.get()
    prefix = formset_class(product.product_class, vendor.user, instance=product).prefix
    data = product_form_data(product)
    category_link = product.productcategory_set.get()
    data.update(
        {
            "productcategory_set-INITIAL_FORMS": "1",
            "productcategory_set-0-id": str(category_link.pk),
            "productcategory_set-0-product": str(product.pk),
        }
    )
    data.update(
        {
            f"{prefix}-TOTAL_FORMS": "1",
            f"{prefix}-INITIAL_FORMS": "1",
            f"{prefix}-0-id": str(record.pk),
            f"{prefix}-0-partner": str(vendor.partner.pk),
            f"{prefix}-0-partner_sku": record.partner_sku,
            f"{prefix}-0-price_currency": currency,
            f"{prefix}-0-price": price,
            f"{prefix}-0-num_in_stock": "5",
        }
    )
    data.update(fields)
    return client.post(reverse("dashboard:catalogue-product", kwargs={"pk": product.pk}), data)


@pytest.mark.parametrize(
    ("price", "currency", "message"),
    [
        ("-6,25", "DKK", "more than 0 kr"),
        ("0", "DKK", "more than 0 kr"),
        ("10,00", "EUR", "EUR is not one of the available choices"),
        ("1,249", "DKK", "can be read two ways"),
    ],
)
def test_vendor_stock_form_refuses_bad_price_or_currency_and_saves_nothing(
    client_a, vendor_a, price, currency, message
):
    product = make_product(vendor_a, title="Honning", sku="H-1", price="80.00")

    response = _stock_post(client_a, product, vendor_a, price=price, currency=currency)

    assert response.status_code == 200
    assert message in response.content.decode()
    record = product.stockrecords.get()
    assert (record.price, record.price_currency, record.num_in_stock) == (Decimal("80.00"), "DKK", 20)


def test_vendor_stock_form_saves_danish_price_and_says_what_it_understood(client_a, vendor_a):
    product = make_product(vendor_a, title="Honning", sku="H-1", price="80.00")

    response = _stock_post(client_a, product, vendor_a, price="1.249,50 kr")

    assert response.status_code == 302
    assert product.stockrecords.get().price == Decimal("1249.50")
    page = client_a.get(reverse("dashboard:catalogue-product", kwargs={"pk": product.pk})).content.decode()
    assert 'inputmode="decimal"' in page
    assert 'value="1.249,50"' in page


def test_stock_form_rerender_tells_what_the_typed_price_was_understood_as(client_a, vendor_a):
    product = make_product(vendor_a, title="Honning", sku="H-1", price="80.00")

    response = _stock_post(client_a, product, vendor_a, price="49,95", currency="EUR")

    html = response.content.decode()
    assert "Understood as 49,95 kr. excl. VAT (62,44 kr. incl. VAT in the shop)." in html


@pytest.mark.parametrize(
    ("field", "value"), [("price", Decimal("-6.25")), ("price", Decimal("0")), ("price_currency", "EUR")]
)
def test_stock_record_model_refuses_non_positive_price_and_other_currency(vendor_a, field, value):
    product = make_product(vendor_a, title="Honning", sku="H-1", price="80.00")
    record = product.stockrecords.get()
    setattr(record, field, value)

    with pytest.raises(ValidationError):
        record.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        record.save()

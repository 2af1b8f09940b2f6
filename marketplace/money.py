"""Amounts typed by people, in Danish notation: "49,95", "1.249,00", "49,95 kr" (and "1249.00").

Danish writes "," for decimals and "." between thousands; an English-style "1249.00" is
also understood when it cannot mean anything else. "1,249" and "1.249" could each be read
two ways, so they are refused with a message that says what to type.
"""

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ORE = Decimal("0.01")
FIVE_ORE = Decimal("0.05")
PRICE_MAX = Decimal("9999999999.99")  # StockRecord.price: max_digits=12, decimal_places=2

_CURRENCY = re.compile(r"(?i)^(?:dkk|kr\.?)\s*|\s*(?:dkk|kr\.?|,-)$")
_DANISH = re.compile(r"^\d{1,3}(?:\.\d{3})+(?:,\d{1,2})?$|^\d+(?:,\d{1,2})?$")
_ENGLISH = re.compile(r"^\d+\.\d{1,2}$")


def ore_round(amount: Decimal) -> Decimal:
    """``amount`` to whole øre, half up (as Danish VAT and Stripe's minor units want it)."""
    return Decimal(amount).quantize(ORE, rounding=ROUND_HALF_UP)


def five_ore_round(amount: Decimal) -> Decimal:
    """``amount`` to whole 5 øre, half up: a price incl. 25 % VAT in 5 øre makes its VAT exact."""
    return (Decimal(amount) / FIVE_ORE).quantize(Decimal(1), rounding=ROUND_HALF_UP) * FIVE_ORE


def _what_to_type():
    return _("Type the price like 49,95 or 1.249,00.")


def danish_decimal_parse(text: str) -> Decimal:
    """Return the amount as a Decimal with two places, or raise ValidationError saying what to type."""
    raw = str(text)
    value = raw.strip().replace("\u00a0", " ")
    value = _CURRENCY.sub("", value).strip()
    value = value.replace(" ", "")
    if value.startswith("-") or value.startswith("−"):
        raise ValidationError(_("The price must be more than 0 kr."), code="min_value")
    ambiguous = re.fullmatch(r"\d{1,3}[.,]\d{3}", value)
    if ambiguous:
        raise ValidationError(
            _("“%(value)s” can be read two ways. %(hint)s"),
            code="ambiguous",
            params={"value": raw, "hint": _what_to_type()},
        )
    if _DANISH.fullmatch(value):
        number = value.replace(".", "").replace(",", ".")
    elif _ENGLISH.fullmatch(value):
        number = value
    else:
        raise ValidationError(
            _("“%(value)s” is not a price. %(hint)s"),
            code="invalid",
            params={"value": raw, "hint": _what_to_type()},
        )
    try:
        amount = Decimal(number).quantize(Decimal("0.01"))
    except InvalidOperation:  # pragma: no cover - the patterns above only let digits through
        raise ValidationError(_("“%(value)s” is not a price."), code="invalid", params={"value": raw})
    return amount


def danish_price_parse(text: str) -> Decimal:
    """A price: Danish notation, more than 0 and at most what the database holds."""
    amount = danish_decimal_parse(text)
    if amount <= 0:
        raise ValidationError(_("The price must be more than 0 kr."), code="min_value")
    if amount > PRICE_MAX:
        raise ValidationError(_("The price is too large."), code="max_value")
    return amount


def danish_amount_format(amount: Decimal) -> str:
    """49.95 → "49,95"; 1249 → "1.249,00"."""
    whole, _sep, cents = f"{amount:,.2f}".partition(".")
    return f"{whole.replace(',', '.')},{cents}"


class DanishPriceField(forms.Field):
    """A price typed in Danish notation; a text input that brings up the phone's number pad."""

    widget = forms.TextInput

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update({"inputmode": "decimal", "autocomplete": "off", "maxlength": "32"})
        return attrs

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return danish_amount_format(value)
        return value

    def to_python(self, value):
        if value in self.empty_values or not str(value).strip():
            return None
        return danish_price_parse(value)

"""Oscar's product forms; the stock record form takes Danish prices, more than 0, in DKK only."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from oscar.apps.dashboard.catalogue import forms as oscar_forms
from oscar.apps.dashboard.catalogue.forms import *  # noqa: F403 (the forms we do not change)

from marketplace.money import DanishPriceField, danish_amount_format, danish_price_parse
from marketplace.oscar_apps.partner.models import PRICE_CURRENCY


class StockRecordForm(oscar_forms.StockRecordForm):
    price = DanishPriceField(label=_("Price excl. VAT (DKK)"), required=False)
    price_currency = forms.ChoiceField(label=_("Currency"), choices=[(PRICE_CURRENCY, PRICE_CURRENCY)])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["price"].help_text = _(
            "Type it as 49,95 or 1.249,00. Buyers pay this plus 25 % VAT: 80,00 here is 100,00 in the shop."
        )
        self.fields["price_currency"].initial = PRICE_CURRENCY
        if self.is_bound:
            self._explain_price()

    def _explain_price(self) -> None:
        """Say, next to the box, what the typed price was understood as."""
        raw = self.data.get(self.add_prefix("price"), "")
        try:
            price = danish_price_parse(raw)
        except ValidationError:
            return
        incl = (price * (1 + settings.VAT_RATE)).quantize(price)
        self.fields["price"].help_text = _(
            "Understood as %(price)s kr. excl. VAT (%(incl)s kr. incl. VAT in the shop)."
        ) % {"price": danish_amount_format(price), "incl": danish_amount_format(incl)}


class ProductImageForm(oscar_forms.ProductImageForm):
    def clean_original(self):
        image = self.cleaned_data.get("original")
        limit = settings.PRODUCT_IMAGE_MAX_BYTES
        if image and getattr(image, "size", 0) > limit:
            raise ValidationError(
                _("The image is %(size)s MB; at most %(limit)s MB is allowed.")
                % {"size": round(image.size / 1024 / 1024, 1), "limit": round(limit / 1024 / 1024, 1)}
            )
        return image

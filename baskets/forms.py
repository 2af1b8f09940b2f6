from decimal import Decimal

from django import forms
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _

from marketplace.storefront_cache import cached

from .models import BasketType
from .selectors import composer_categories, composer_vendors

PRICE_FILTER_MAX = Decimal("1000000")
_price_at_most = MaxValueValidator(PRICE_FILTER_MAX, message=_("Enter a price of at most 1.000.000 kr."))


class ComposerFilterForm(forms.Form):
    """The composer's product filters (GET); every field optional."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    category = forms.ModelChoiceField(
        label=_("Category"), queryset=None, required=False, empty_label=_("All categories")
    )
    vendor = forms.ChoiceField(label=_("Enterprise"), required=False)
    rsov = forms.BooleanField(label=_("Only registered social enterprises (RSØV)"), required=False)
    # Bounded, so "1e309" or forty nines get the field's message instead of a 500 in the query.
    price_min = forms.DecimalField(
        label=_("Price from (kr.)"),
        required=False,
        min_value=0,
        decimal_places=2,
        validators=[_price_at_most],
    )
    price_max = forms.DecimalField(
        label=_("Price to (kr.)"),
        required=False,
        min_value=0,
        decimal_places=2,
        validators=[_price_at_most],
    )
    in_stock = forms.BooleanField(label=_("Only in stock"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        category = self.fields["category"]
        category.queryset = composer_categories()  # validates a chosen category
        # The choices themselves come from the storefront cache (bumped by category and vendor changes).
        category.choices = [("", category.empty_label)] + cached(
            name="composer-categories",
            per_language=True,
            loader=lambda: [(c.pk, ("— " * (c.depth - 1)) + c.name) for c in composer_categories()],
        )
        self.fields["vendor"].choices = [("", _("All enterprises"))] + cached(
            name="composer-vendors", loader=lambda: [(p.code, p.name) for p in composer_vendors()]
        )

    def clean(self):
        data = super().clean()
        low, high = data.get("price_min"), data.get("price_max")
        if low is not None and high is not None and low > high:
            self.add_error("price_max", _("The upper price must be at least the lower price."))
        return data


class ChooseTypeForm(forms.Form):
    basket_type = forms.ModelChoiceField(
        label=_("Basket type"), queryset=BasketType.objects.none(), widget=forms.RadioSelect, empty_label=None
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["basket_type"].queryset = BasketType.objects.active()


class ItemForm(forms.Form):
    product = forms.IntegerField(min_value=1)
    quantity = forms.IntegerField(label=_("Quantity"), min_value=0, max_value=99, required=False)


class DetailsForm(forms.Form):
    name = forms.CharField(label=_("Name of the basket"), max_length=128)
    gift_message = forms.CharField(
        label=_("Gift message"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class AddToCartForm(forms.Form):
    quantity = forms.IntegerField(label=_("Number of baskets"), min_value=1, max_value=1000, initial=1)


class RenameForm(forms.Form):
    name = forms.CharField(label=_("New name"), max_length=128)

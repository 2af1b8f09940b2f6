"""The storefront's search and filter form, shared by catalogue, category and search pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from marketplace.oscar_apps.catalogue import selectors


def _vendor_choices():
    return [("", _("All vendors"))] + [(v.slug, v.name) for v in selectors.vendor_choices_for_filter()]


class SearchForm(forms.Form):
    q = forms.CharField(
        required=False,
        max_length=200,
        label=_("Search"),
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Search"), "class": "form-control"}),
    )
    vendor = forms.ChoiceField(label=_("Vendor"), choices=_vendor_choices, required=False)
    rsov = forms.BooleanField(label=_("Registered social enterprises (RSØV) only"), required=False)
    sort_by = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("", _("Relevance")),
            (selectors.SORT_NEWEST, _("Newest")),
            (selectors.SORT_PRICE_ASC, _("Price low to high")),
            (selectors.SORT_PRICE_DESC, _("Price high to low")),
            (selectors.SORT_TITLE, _("Title A to Z")),
        ],
    )

"""The storefront's search and filter form, shared by catalogue, category and search pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from marketplace.oscar_apps.catalogue import selectors


def _vendor_choices():
    return [("", _("All vendors"))] + [(v.slug, v.name) for v in selectors.vendor_choices_for_filter()]


QUERY_MAX_LENGTH = 200


class QueryField(forms.CharField):
    """A search query cut to its first QUERY_MAX_LENGTH characters instead of refused.

    A refused query used to drop out of the form's cleaned data, so the page showed every
    product as if nothing had been asked (issue 17.8).
    """

    def to_python(self, value):
        value = super().to_python(value)
        self.truncated = len(value) > QUERY_MAX_LENGTH
        return value[:QUERY_MAX_LENGTH].strip() if self.truncated else value


class SearchForm(forms.Form):
    q = QueryField(
        required=False,
        label=_("Search"),
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": _("Search"),
                "class": "form-control",
                "maxlength": QUERY_MAX_LENGTH,
            }
        ),
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

    @property
    def query_truncated(self) -> bool:
        """The query was longer than QUERY_MAX_LENGTH and only its beginning was searched."""
        return getattr(self.fields["q"], "truncated", False)

    @property
    def query_max_length(self) -> int:
        return QUERY_MAX_LENGTH

"""Forms of the fulfilment pages."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from vendors.forms import DanishDecimalField


def _percent(label):
    return DanishDecimalField(
        label=label,
        max_digits=5,
        decimal_places=2,
        min_value=Decimal("0"),
        max_value=Decimal("100"),
        widget=forms.TextInput(
            attrs={"inputmode": "decimal", "class": "form-control", "autocomplete": "off"}
        ),
        help_text=_("A percentage from 0 to 100, e.g. 12,5."),
    )


class SubstitutionPolicyForm(forms.Form):
    below_percent = _percent(_("A substitute may be at most this much cheaper (%)"))
    above_percent = _percent(_("A substitute may be at most this much dearer (%)"))


class SubstitutionRejectForm(forms.Form):
    note = forms.CharField(
        label=_("Why no substitute is sent (the buyer is told)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )

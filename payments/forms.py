import uuid
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _


class RefundForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount to refund (kr., incl. VAT)"),
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
    )
    reason = forms.CharField(label=_("Reason (kept with the refund)"), max_length=400, required=False)
    token = forms.CharField(widget=forms.HiddenInput, initial=uuid.uuid4)

    def __init__(self, *args, refundable: Decimal, **kwargs):
        super().__init__(*args, **kwargs)
        self.refundable = refundable
        self.fields["amount"].initial = refundable
        self.fields["amount"].max_value = refundable
        self.fields["amount"].help_text = _("At most %(max)s kr. can still be refunded.") % {
            "max": f"{refundable:.2f}".replace(".", ",")
        }

    def clean_amount(self):
        amount = self.cleaned_data["amount"]
        if amount > self.refundable:
            limit = f"{self.refundable:.2f}".replace(".", ",")
            raise forms.ValidationError(_("At most %(max)s kr. can still be refunded.") % {"max": limit})
        return amount

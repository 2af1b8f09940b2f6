"""A Danish address: street, 4-digit postcode, city and phone; the country is always Denmark."""

import re

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _
from oscar.apps.checkout import forms as oscar_forms
from oscar.apps.checkout.forms import ShippingMethodForm  # noqa: F401  (loaded via get_classes)

from marketplace.countries import denmark


class _PasswordInputWithoutRequired(forms.PasswordInput):
    def use_required_attribute(self, initial):
        return False


class GatewayForm(oscar_forms.GatewayForm):
    """Oscar's "who are you?" step, usable without JavaScript.

    Oscar renders the password `required` and relies on its JS to lift that for
    guests; without JS the browser refused to submit a guest's form. The password
    is still demanded on the server, only for a returning customer.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["password"].widget = _PasswordInputWithoutRequired(
            attrs=self.fields["password"].widget.attrs
        )
        self.fields["password"].widget.attrs["autocomplete"] = "current-password"

    def clean(self):
        """A guest whose address only has an unconfirmed account may still check out as a guest."""
        cleaned_data = super().clean()
        email = self.cleaned_data.get("username")
        if self.is_guest_checkout() and email and "username" in self._errors:
            User = get_user_model()
            if not User._default_manager.filter(email__iexact=email, is_active=True).exists():
                del self._errors["username"]
                self.data = self.data.copy()
                self.data[self.add_prefix("options")] = self.GUEST
        return cleaned_data


class ShippingAddressForm(oscar_forms.ShippingAddressForm):
    def adjust_country_field(self):
        self.instance.country = denmark()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        labels = {
            "first_name": _("First name"),
            "last_name": _("Last name"),
            "line1": _("Street and number"),
            "postcode": _("Postcode"),
            "line4": _("City"),
            "phone_number": _("Phone"),
            "notes": _("Delivery instructions"),
        }
        for name, label in labels.items():
            self.fields[name].label = label
        for name in ("first_name", "last_name", "line1", "postcode", "line4", "phone_number"):
            self.fields[name].required = True
        self.fields["postcode"].widget.attrs.update(
            {"inputmode": "numeric", "pattern": "[0-9]{4}", "maxlength": "4", "autocomplete": "postal-code"}
        )
        self.fields["phone_number"].help_text = _("So the courier can reach you, e.g. 20 30 40 50.")

    def clean_postcode(self):
        postcode = (self.cleaned_data.get("postcode") or "").strip().replace(" ", "")
        if not re.fullmatch(r"[0-9]{4}", postcode):
            raise forms.ValidationError(_("A Danish postcode has 4 digits, e.g. 8000."))
        return postcode

    class Meta(oscar_forms.ShippingAddressForm.Meta):
        fields = ["first_name", "last_name", "line1", "postcode", "line4", "phone_number", "notes"]

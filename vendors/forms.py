"""Forms for the application page, the vendor's profile, staff decisions and imports."""

from decimal import Decimal

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from vendors.models import VendorProfile
from vendors.services import cvr_normalise


class CVRField(forms.CharField):
    """A CVR number, checked with its modulus-11 check digit and stored as 8 digits."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("CVR number"))
        kwargs.setdefault("max_length", 16)
        super().__init__(**kwargs)

    def clean(self, value):
        return cvr_normalise(super().clean(value))


class VendorApplicationForm(forms.Form):
    """'Become a vendor': the enterprise and, for visitors without an account, a login."""

    name = forms.CharField(label=_("Name of the enterprise (as shown in the shop)"), max_length=128)
    legal_name = forms.CharField(label=_("Legal name"), max_length=255)
    cvr = CVRField()
    is_rsov = forms.BooleanField(label=_("We are a registered social enterprise (RSØV)"), required=False)
    rsov_reference = forms.CharField(label=_("RSØV registration reference"), max_length=64, required=False)
    mission = forms.CharField(label=_("Your social mission"), widget=forms.Textarea(attrs={"rows": 4}))
    impact_text = forms.CharField(
        label=_("Your impact (e.g. jobs for people outside the labour market)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    contact_phone = forms.CharField(label=_("Phone"), max_length=32, required=False)
    street = forms.CharField(label=_("Street"), max_length=255)
    postcode = forms.RegexField(
        label=_("Postcode"),
        regex=r"^\d{4}$",
        error_messages={"invalid": _("A Danish postcode has 4 digits.")},
    )
    city = forms.CharField(label=_("City"), max_length=128)
    first_name = forms.CharField(label=_("Your first name"), max_length=150)
    last_name = forms.CharField(label=_("Your last name"), max_length=150)
    email = forms.EmailField(label=_("E-mail"))
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput, required=False)

    def __init__(self, *args, user=None, **kwargs):
        self.user = user if user is not None and user.is_authenticated else None
        super().__init__(*args, **kwargs)
        if self.user is not None:
            for name in ("first_name", "last_name", "password"):
                del self.fields[name]
            self.fields["email"].initial = self.user.email
        else:
            self.fields["password"].required = True
            self.fields["password"].help_text = password_validation.password_validators_help_text_html()

    def clean_email(self):
        email = self.cleaned_data["email"]
        if self.user is None and get_user_model().objects.filter(email__iexact=email).exists():
            raise ValidationError(_("An account with this e-mail already exists: log in first, then apply."))
        return email

    def clean_password(self):
        password = self.cleaned_data.get("password", "")
        if self.user is None and password:
            password_validation.validate_password(password)
        return password

    def clean(self):
        data = super().clean()
        if data.get("is_rsov") and not data.get("rsov_reference"):
            self.add_error("rsov_reference", _("Give the registration reference of your RSØV registration."))
        return data


class VendorProfileForm(forms.ModelForm):
    """What a vendor may change about itself; status, CVR and commission stay with staff."""

    class Meta:
        model = VendorProfile
        fields = [
            "mission",
            "impact_text",
            "employees_flex_jobs",
            "employees_total",
            "logo",
            "contact_email",
            "contact_phone",
            "street",
            "postcode",
            "city",
            "dropoff_notes",
        ]
        widgets = {
            "mission": forms.Textarea(attrs={"rows": 4}),
            "impact_text": forms.Textarea(attrs={"rows": 3}),
            "dropoff_notes": forms.Textarea(attrs={"rows": 2}),
        }

    def clean_postcode(self):
        postcode = self.cleaned_data["postcode"]
        if postcode and not (postcode.isdigit() and len(postcode) == 4):
            raise ValidationError(_("A Danish postcode has 4 digits."))
        return postcode

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if logo and getattr(logo, "size", 0) > 2 * 1024 * 1024:
            raise ValidationError(_("The logo may be at most 2 MB."))
        return logo


class VendorStaffForm(forms.ModelForm):
    """What staff set for a vendor besides its status."""

    cvr = CVRField()

    class Meta:
        model = VendorProfile
        fields = ["legal_name", "cvr", "is_rsov", "rsov_reference", "commission_rate", "is_hub"]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason (sent to the vendor)"), widget=forms.Textarea(attrs={"rows": 3}))


class ProductImportForm(forms.Form):
    file = forms.FileField(
        label=_("Product file (.csv or .xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )


class DanishDecimalField(forms.DecimalField):
    """A price typed the Danish way ("1.234,50" or "36,00") or with a decimal point ("36.00")."""

    def to_python(self, value):
        if isinstance(value, str):
            text = value.strip().replace(" ", "").replace("\u00a0", "")
            if "," in text:
                text = text.replace(".", "").replace(",", ".")
            value = text
        return super().to_python(value)


class OfferForm(forms.Form):
    """A vendor's own SKU, price and stock for a product already in the shop."""

    partner_sku = forms.CharField(label=_("Your SKU (item number)"), max_length=128)
    price_excl_tax = DanishDecimalField(
        label=_("Price excl. VAT (DKK)"),
        max_digits=12,
        decimal_places=2,
        min_value=Decimal("0.01"),
        max_value=Decimal("999999.99"),
        help_text=_("Buyers pay this plus 25 % VAT: 80,00 here is 100,00 in the shop."),
    )
    num_in_stock = forms.IntegerField(label=_("Units in stock"), min_value=0, max_value=1_000_000)

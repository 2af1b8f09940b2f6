from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.control_characters import validate_no_control_characters, validate_single_line
from marketplace.csv_export import csv_bytes

from .models import Membership, OrganisationLocation, postcode_validator
from .recipients import RecipientFileError, recipients_error_report, recipients_parse
from .selectors import bulk_order_with_po_number, designs_for_user, earliest_delivery_date


class OrderStartForm(forms.Form):
    MODE_SINGLE = "single"
    MODE_FILE = "file"

    design = forms.ModelChoiceField(label=_("Gift basket"), queryset=None, empty_label=None)
    mode = forms.ChoiceField(
        label=_("Delivery"),
        choices=[
            (MODE_FILE, _("To each recipient (upload a list)")),
            (MODE_SINGLE, _("Everything to one address")),
        ],
        widget=forms.RadioSelect,
        initial=MODE_FILE,
    )
    recipients_file = forms.FileField(
        label=_("Recipient list (CSV or Excel)"),
        required=False,
        help_text=_(
            "Columns: Navn (or Fornavn + Efternavn), Adresse, Postnr., By; optional: Att., Telefon, E-mail, "
            "Antal, Hilsen, Kurv."
        ),
    )
    quantity = forms.IntegerField(label=_("Number of baskets"), min_value=1, max_value=2000, required=False)
    name = forms.CharField(
        label=_("Recipient / attention"), max_length=255, required=False, validators=[validate_single_line]
    )
    street = forms.CharField(
        label=_("Street"), max_length=255, required=False, validators=[validate_single_line]
    )
    postcode = forms.CharField(
        label=_("Postcode"), max_length=4, required=False, validators=[postcode_validator]
    )
    city = forms.CharField(label=_("City"), max_length=128, required=False, validators=[validate_single_line])
    message = forms.CharField(
        label=_("Gift message"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        validators=[validate_no_control_characters],
    )
    requested_delivery_date = forms.DateField(
        label=_("Requested delivery date"), widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["design"].queryset = designs_for_user(user=user)
        self.fields["requested_delivery_date"].help_text = _("Earliest %(date)s.") % {
            "date": earliest_delivery_date().strftime("%d.%m.%Y")
        }
        self.rows = None
        self.error_report = None

    def clean_requested_delivery_date(self):
        value = self.cleaned_data["requested_delivery_date"]
        if value < timezone.localdate():
            raise forms.ValidationError(_("The delivery date is in the past."))
        earliest = earliest_delivery_date()
        if value < earliest:
            raise forms.ValidationError(
                _("We need time to pack: the earliest delivery date is %(date)s.")
                % {"date": earliest.strftime("%d.%m.%Y")}
            )
        return value

    def clean(self):
        data = super().clean()
        if data.get("mode") == self.MODE_SINGLE:
            for name in ("quantity", "name", "street", "postcode", "city"):
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, _("This field is required."))
        elif data.get("mode") == self.MODE_FILE:
            upload = data.get("recipients_file")
            if not upload:
                self.add_error("recipients_file", _("Upload the list of recipients."))
                return data
            slugs = {d.slug for d in self.fields["design"].queryset if d.slug}
            try:
                self.rows = recipients_parse(data=upload.read(), filename=upload.name, basket_slugs=slugs)
            except RecipientFileError as exc:
                self.add_error("recipients_file", str(exc))
                return data
            bad = [row for row in self.rows if row.errors]
            if bad:
                self.error_report = csv_bytes(recipients_error_report(rows=self.rows))
                self.add_error(
                    "recipients_file",
                    _(
                        "%(bad)d of %(total)d rows have errors; nothing has been saved. Correct the file and "
                        "upload it again."
                    )
                    % {"bad": len(bad), "total": len(self.rows)},
                )
        return data


class OrderConfirmForm(forms.Form):
    location = forms.ModelChoiceField(
        label=_("EAN number (receives the e-invoice)"), queryset=None, empty_label=None
    )
    po_number = forms.CharField(
        label=_("Purchase-order number"), max_length=64, validators=[validate_single_line]
    )
    person_reference = forms.CharField(
        label=_("Person reference"),
        max_length=64,
        validators=[validate_single_line],
        help_text=_("The reference the municipality requires on the invoice (e.g. initials or person ID)."),
        error_messages={"required": _("Enter the person reference: the invoice cannot be sent without it.")},
    )
    accounting_cost = forms.CharField(
        label=_("Account / cost centre (optional)"),
        max_length=64,
        required=False,
        validators=[validate_single_line],
    )

    confirm_duplicate_po = forms.BooleanField(
        label=_("Yes, use this purchase-order number again"), required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisation = organisation
        self.fields["location"].queryset = OrganisationLocation.objects.filter(organisation=organisation)

    def clean(self):
        data = super().clean()
        po_number = data.get("po_number")
        earlier = po_number and bulk_order_with_po_number(organisation=self.organisation, po_number=po_number)
        if earlier and not data.get("confirm_duplicate_po"):
            self.fields["confirm_duplicate_po"].widget = forms.CheckboxInput()
            self.add_error(
                "po_number",
                _(
                    "Purchase-order number %(po)s is already on order %(pk)s of %(date)s. Check it, or tick "
                    "the box below to use it again."
                )
                % {"po": po_number, "pk": earlier.pk, "date": earlier.created_at.strftime("%d.%m.%Y")},
            )
        return data


class RejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        validators=[validate_no_control_characters],
    )


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"))
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)
    is_admin = forms.BooleanField(
        label=_("Organisation admin (manages members and EAN numbers)"), required=False
    )


class MembershipForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)
    is_admin = forms.BooleanField(label=_("Organisation admin"), required=False)


class LanguageForm(forms.Form):
    language = forms.ChoiceField(label=_("Language of my e-mails"), choices=settings.LANGUAGES)


class LocationForm(forms.Form):
    ean = forms.CharField(label=_("EAN number"), max_length=20, help_text=_("13 digits, e.g. 5798000012349."))
    unit_name = forms.CharField(label=_("Unit"), max_length=255, validators=[validate_single_line])


class QuotationSaveForm(forms.Form):
    """Save the quote as a numbered document; the EAN it names can still be changed when ordering."""

    location = forms.ModelChoiceField(
        label=_("EAN number on the quote"), queryset=None, required=False, empty_label="–"
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        locations = OrganisationLocation.objects.filter(organisation=organisation)
        self.fields["location"].queryset = locations
        if len(locations) == 1:
            self.fields["location"].initial = locations[0].pk

"""The vendor's capacity form: whole numbers typed the Danish way; the limits are the model's."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from supply.models import MAX_LEAD_TIME_DAYS, MAX_UNITS_PER_WEEK, OfferCapacity

# "1000", "1.000", "10.000", "1 000": a count has no decimals, so "." can only be Danish thousands.
_WHOLE = re.compile(r"^\d+$|^\d{1,3}(?:\.\d{3})+$|^\d{1,3}(?: \d{3})+$")


def danish_whole_number_parse(text: str) -> int:
    """A count typed by a person ("40", "1.000") as an int; negative numbers pass (the model refuses them)."""
    value = str(text).strip().replace("\u00a0", " ")
    negative = value[:1] in ("-", "−")
    if negative:
        value = value[1:].strip()
    if not _WHOLE.fullmatch(value):
        raise ValidationError(
            _("“%(value)s” is not a whole number. Type digits only, like 40 or 1.000."),
            code="invalid",
            params={"value": text},
        )
    number = int(value.replace(".", "").replace(" ", ""))
    return -number if negative else number


class DanishWholeNumberField(forms.Field):
    """A whole number in Danish notation; a text input that brings up the phone's number pad."""

    widget = forms.TextInput

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update({"inputmode": "numeric", "autocomplete": "off", "maxlength": "16"})
        return attrs

    def to_python(self, value):
        if value in self.empty_values or not str(value).strip():
            return None
        return danish_whole_number_parse(value)


class CapacityForm(forms.Form):
    """Units per week and lead time of one offer; saving goes through supply.services.capacity_set."""

    units_per_week = DanishWholeNumberField(
        label=_("Units per week"),
        error_messages={"required": _("Type how many units you can make per week (0 if none).")},
    )
    lead_time_days = DanishWholeNumberField(
        label=_("Lead time (days)"),
        error_messages={"required": _("Type the lead time in days (0 if you can start at once).")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units_per_week"].help_text = _(
            "Besides your stock: how many you can make in one week (0–%(max)s)."
        ) % {"max": f"{MAX_UNITS_PER_WEEK:,}".replace(",", ".")}
        self.fields["lead_time_days"].help_text = _(
            "Days from the order until the first units you make can be delivered (0–%(max)s)."
        ) % {"max": MAX_LEAD_TIME_DAYS}

    def clean(self):
        """Check the parsed numbers against the model's own rules, so every field's error shows at once.

        The service (capacity_set → full_clean) checks them again when saving.
        """
        data = super().clean()
        parsed = [name for name in self.fields if data.get(name) is not None]
        if parsed:
            candidate = OfferCapacity(**{name: data[name] for name in parsed})
            exclude = [f.name for f in OfferCapacity._meta.fields if f.name not in parsed]
            try:
                candidate.clean_fields(exclude=exclude)
            except ValidationError as error:
                self.add_model_errors(error)
        return data

    def add_model_errors(self, error: ValidationError) -> None:
        """Show the model's refusal (from capacity_set's full_clean) on the fields it names."""
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                self.add_error(field if field in self.fields else None, errors)
        else:
            self.add_error(None, error)

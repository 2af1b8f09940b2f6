"""Danish identifiers, one rule each for every app: CVR (modulus 11) and EAN/GLN location numbers (GS1).

The model fields of vendors and organisations use these validators, so the admin, the shell and
every form refuse a bad number with the same message. ``cvr_compact`` turns what a person typed
("31 24 56 72") into the 8 digits that are stored.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from stdnum import ean as stdnum_ean
from stdnum.dk import cvr as stdnum_cvr
from stdnum.exceptions import InvalidChecksum, InvalidFormat, InvalidLength
from stdnum.exceptions import ValidationError as StdnumError


def cvr_compact(value: str) -> str:
    """What a person typed, without spaces, dashes and a "DK" prefix."""
    return stdnum_cvr.compact(value or "")


def validate_cvr(value: str) -> None:
    """A stored CVR number: exactly 8 digits, not starting with 0, with a correct check digit."""
    value = value or ""
    if not (value.isascii() and value.isdigit()):
        raise ValidationError(_("A CVR number has 8 digits and does not start with 0."), code="cvr_format")
    try:
        stdnum_cvr.validate(value)
    except InvalidLength:
        raise ValidationError(_("A CVR number has 8 digits."), code="cvr_length")
    except InvalidChecksum:
        raise ValidationError(
            _("%(value)s is not a valid CVR number: the check digit does not match."),
            code="cvr_checksum",
            params={"value": value},
        )
    except StdnumError:
        raise ValidationError(_("A CVR number has 8 digits and does not start with 0."), code="cvr_format")


def validate_ean_location(value: str) -> None:
    """An EAN location number (GLN) has exactly 13 digits; stdnum.ean also accepts 8/12/14."""
    digits = stdnum_ean.compact(value or "")
    if not digits.isdigit() or len(digits) != 13:
        raise ValidationError(_("An EAN location number has exactly 13 digits."), code="ean_length")
    try:
        stdnum_ean.validate(digits)
    except (InvalidChecksum, InvalidFormat, InvalidLength):
        raise ValidationError(
            _("%(value)s is not a valid EAN number: the check digit does not match."),
            code="ean_checksum",
            params={"value": value},
        )

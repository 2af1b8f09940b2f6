"""Control characters in typed or uploaded text: refused at the door, stripped at the writers.

XML 1.0 cannot carry most C0 characters (lxml raises ``ValueError`` for ``\\x0b``), a PDF
shows them as boxes, an e-mail header breaks on CR/LF and a CSV row breaks on them. So every
text that may reach an invoice, a delivery list, a PDF or an e-mail is checked with these
validators (model fields and forms), and the document writers strip what older rows may
still hold, so a document can always be issued.
"""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# C0 except tab/LF/CR, DEL, C1, and the code points XML 1.0 forbids (surrogates, U+FFFE/FFFF).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
# A one-line field (reference, name, street) has no tab or line break either.
_CONTROL_SINGLE_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")


def _describe(match: re.Match) -> str:
    return f"U+{ord(match.group()):04X}"


def validate_no_control_characters(value: str) -> None:
    """For multi-line text (gift messages, reasons): line breaks and tabs are fine."""
    match = _CONTROL.search(value or "")
    if match:
        raise ValidationError(
            _(
                "The text contains an invisible control character (%(char)s) at position %(position)d. "
                "Remove it."
            ),
            code="control_character",
            params={"char": _describe(match), "position": match.start() + 1},
        )


def validate_single_line(value: str) -> None:
    """For one-line text (references, names, addresses): no control character, no line break."""
    match = _CONTROL_SINGLE_LINE.search(value or "")
    if match:
        raise ValidationError(
            _(
                "The text contains an invisible control character or line break (%(char)s) at position "
                "%(position)d. Remove it."
            ),
            code="control_character",
            params={"char": _describe(match), "position": match.start() + 1},
        )


def control_characters_strip(value: str, *, single_line: bool = False) -> str:
    """What a document writer does with text that slipped past validation (old rows, imports)."""
    if single_line:
        return " ".join(_CONTROL_SINGLE_LINE.sub(" ", value or "").split())
    return _CONTROL.sub("", value or "")

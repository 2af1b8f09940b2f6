"""Danish identifiers on organisations; the rules live in marketplace.danish_identifiers.

These names stay because procurement's migrations refer to them.
"""

from marketplace import danish_identifiers


def validate_cvr(value: str) -> None:
    danish_identifiers.validate_cvr(value)


def validate_ean_location(value: str) -> None:
    danish_identifiers.validate_ean_location(value)

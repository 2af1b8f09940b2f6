"""The Danish postcode list: postcode → city, one lookup for every app.

Source: the PyPI package ``countrystatecity-postal-codes`` (pinned in requirements.txt; data from the
countries-states-cities database, ODbL 1.0), which ships Denmark's 1,089 geographic postcodes with
their post-town (1050 København K … 9990 Skagen). Its list has no postcodes below 1000, the
non-geographic ones PostNord gives to large receivers; the few a municipal list can hold are added
here by hand (``SPECIAL``), above all 0800 Høje-Taastrup, the one Excel turns into 800.
"""

import re
from functools import lru_cache

SPECIAL = {
    "0555": "Scanning",
    "0800": "Høje-Taastrup",
    "0877": "København C",
    "0900": "København C",
    "0999": "København C",
}


@lru_cache(maxsize=1)
def postcodes() -> dict[str, str]:
    """Every postcode (4 digits, as text) and its city."""
    from countrystatecity_postal_codes import get_postcodes_of_country

    table = {p.code: p.localityName for p in get_postcodes_of_country("DK") if p.code and p.localityName}
    table.update(SPECIAL)
    return table


def postcode_city(postcode: str) -> str | None:
    """The city of a postcode, or None when the postcode is not in the list."""
    return postcodes().get(postcode or "")


def _normalised(city: str) -> str:
    """'Høje Taastrup', 'høje-taastrup' and 'Århus C' / 'Aarhus C' are the same city."""
    city = (city or "").casefold().replace("å", "aa").replace("-", " ").replace(".", " ")
    return re.sub(r"\s+", " ", city).strip()


def city_matches(postcode: str, city: str) -> bool:
    """True when the city is the postcode's own, or the postcode is unknown (nothing to compare).

    The district letters of the big towns may be left out: "Odense" for 5000 Odense C is fine.
    """
    official = postcode_city(postcode)
    if official is None:
        return True
    given, expected = _normalised(city), _normalised(official)
    if given == expected:
        return True
    base = re.sub(r" (c|k|v|n|s|o|ø|sv|sø|nv|nø)$", "", expected)
    return given == base

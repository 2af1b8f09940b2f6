"""The shop delivers in Denmark only: the one Country row every address points to."""

from oscar.core.loading import get_model

Country = get_model("address", "Country")


def denmark() -> "Country":
    """Denmark's Country row, made on first use (a fresh database has no countries)."""
    country, _created = Country.objects.get_or_create(
        iso_3166_1_a2="DK",
        defaults={
            "iso_3166_1_a3": "DNK",
            "iso_3166_1_numeric": "208",
            "printable_name": "Danmark",
            "name": "Kongeriget Danmark",
            "display_order": 1,
            "is_shipping_country": True,
        },
    )
    return country

"""Demo organisation: a fictional municipality with two EAN units, a buyer and an approver.

Appended to marketplace.demo.SEED_STEPS; rows are found by stable keys, so
seeding twice changes nothing.
"""

from decimal import Decimal

from marketplace.demo import MUNICIPAL_EMAIL, _user

from .models import Membership, Organisation, OrganisationLocation, VolumePriceTier

ORGANISATION_SLUG = "eksempel-kommune"
APPROVER_EMAIL = "godkender@eksempel-kommune.example"
LOCATIONS = (
    ("5798009999009", "Borgerservice"),
    ("5798009999016", "Kultur og Fritid"),
)
TIERS = ((20, Decimal("3")), (50, Decimal("5")), (200, Decimal("8")))


def seed_procurement() -> None:
    organisation, _created = Organisation.objects.get_or_create(
        slug=ORGANISATION_SLUG,
        defaults={
            "name": "Eksempel Kommune",
            "cvr": "12345674",
            "street": "Rådhuspladsen 1",
            "postcode": "8000",
            "city": "Aarhus C",
            "invoice_email": "faktura@eksempel-kommune.example",
            "approval_limit": Decimal("10000.00"),
        },
    )
    for ean, unit in LOCATIONS:
        OrganisationLocation.objects.get_or_create(
            ean=ean, defaults={"organisation": organisation, "unit_name": unit}
        )
    buyer = _user(email=MUNICIPAL_EMAIL, first_name="Indkøb", last_name="Eksempel Kommune")
    approver = _user(email=APPROVER_EMAIL, first_name="Grete", last_name="Godkender")
    Membership.objects.get_or_create(
        organisation=organisation, user=buyer, defaults={"role": Membership.Role.BUYER}
    )
    Membership.objects.get_or_create(
        organisation=organisation, user=approver, defaults={"role": Membership.Role.APPROVER}
    )
    for quantity, percent in TIERS:
        VolumePriceTier.objects.get_or_create(min_quantity=quantity, defaults={"discount_percent": percent})

"""Organisation admins manage their own EAN numbers and members; nobody else's (issue 15)."""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import ValidationError

from procurement import services
from procurement.models import Membership, Organisation, OrganisationLocation
from procurement.tests.conftest import draft_for

pytestmark = pytest.mark.django_db

VALID_EAN = "5798000012349"  # GS1 mod-10 check digit 9
BAD_CHECK_DIGIT = "5798000012342"


@pytest.fixture
def municipality(municipal_buyers):
    """Factory data (procurement/tests/conftest.py: municipal_buyers), not the demo seed."""
    return municipal_buyers


@pytest.fixture
def admin_member(municipality):
    membership = Membership.objects.get(organisation=municipality.organisation, user=municipality.approver)
    membership.is_admin = True
    membership.save()
    return municipality.approver


@pytest.fixture
def other_organisation():
    other = Organisation.objects.create(
        name="Anden Kommune",
        slug="anden",
        cvr="29189854",
        street="Torvet 1",
        postcode="4000",
        city="Roskilde",
    )
    location = OrganisationLocation.objects.create(organisation=other, ean="5790000000029", unit_name="Skole")
    user = get_user_model().objects.create_user(username="anden", email="anden@anden.example", password="x")
    membership = Membership.objects.create(organisation=other, user=user, role="buyer", is_admin=True)
    return other, location, membership


def test_model_refuses_an_ean_with_a_wrong_check_digit_even_from_the_orm(municipality):
    with pytest.raises(ValidationError) as exc:
        OrganisationLocation.objects.create(
            organisation=municipality.organisation, ean=BAD_CHECK_DIGIT, unit_name="Skole"
        )
    assert "check digit" in " ".join(exc.value.messages) or "kontrolciffer" in " ".join(exc.value.messages)
    with pytest.raises(ValidationError):
        OrganisationLocation.objects.create(
            organisation=municipality.organisation, ean="579800001234", unit_name="X"
        )
    assert not OrganisationLocation.objects.filter(ean__startswith="57980000123").exists()


def test_admin_adds_an_ean_number_and_a_bad_one_is_a_form_error(client, municipality, admin_member):
    client.force_login(admin_member)
    url = f"/da/kommune/{municipality.organisation.slug}/ean/"

    bad = client.post(url, {"action": "add", "ean": BAD_CHECK_DIGIT, "unit_name": "Plejehjem"})
    good = client.post(
        url, {"action": "add", "ean": "5798 0000 1234 9", "unit_name": "Plejehjem"}, follow=True
    )

    assert bad.status_code == 200
    assert "kontrolcifferet" in bad.content.decode() or "check digit" in bad.content.decode()
    location = OrganisationLocation.objects.get(ean=VALID_EAN)
    assert location.organisation == municipality.organisation
    assert VALID_EAN in good.content.decode()


def test_an_ean_already_registered_is_refused_with_a_message(client, municipality, admin_member):
    client.force_login(admin_member)

    response = client.post(
        f"/da/kommune/{municipality.organisation.slug}/ean/",
        {"action": "add", "ean": municipality.location.ean, "unit_name": "Igen"},
    )

    assert f"EAN-nummer {municipality.location.ean} er allerede registreret." in response.content.decode()


def test_an_ean_with_orders_cannot_be_removed_one_without_can(client, municipality, admin_member):
    services.bulk_order_create(
        organisation=municipality.organisation,
        user=municipality.buyer,
        draft=draft_for(design=municipality.design, count=2),
        location=municipality.location,
        po_number="PO-EAN",
        person_reference="GH",
        base_url="http://testserver/",
    )
    spare = OrganisationLocation.objects.create(
        organisation=municipality.organisation, ean=VALID_EAN, unit_name="Ubrugt"
    )
    client.force_login(admin_member)
    url = f"/da/kommune/{municipality.organisation.slug}/ean/"

    used = client.post(url, {"action": "remove", "location": municipality.location.pk}, follow=True)
    client.post(url, {"action": "remove", "location": spare.pk})

    assert OrganisationLocation.objects.filter(pk=municipality.location.pk).exists()
    assert "har ordrer og kan ikke fjernes" in used.content.decode()
    assert not OrganisationLocation.objects.filter(pk=spare.pk).exists()


def test_a_member_who_is_not_admin_cannot_manage(client, municipality):
    client.force_login(municipality.buyer)
    slug = municipality.organisation.slug

    assert client.get(f"/da/kommune/{slug}/ean/").status_code == 403
    assert client.get(f"/da/kommune/{slug}/medlemmer/").status_code == 403
    response = client.post(f"/da/kommune/{slug}/ean/", {"action": "add", "ean": VALID_EAN, "unit_name": "X"})
    assert response.status_code == 403
    assert not OrganisationLocation.objects.filter(ean=VALID_EAN).exists()


def test_admin_never_sees_or_changes_another_organisations_ean_or_members(
    client, municipality, admin_member, other_organisation
):
    other, location, membership = other_organisation
    client.force_login(admin_member)
    own = municipality.organisation.slug

    assert client.get(f"/da/kommune/{other.slug}/ean/").status_code == 404
    assert client.get(f"/da/kommune/{other.slug}/medlemmer/").status_code == 404
    page = client.get(f"/da/kommune/{own}/ean/").content.decode()
    assert location.ean not in page
    assert (
        client.post(f"/da/kommune/{own}/ean/", {"action": "remove", "location": location.pk}).status_code
        == 404
    )
    response = client.post(f"/da/kommune/{own}/medlemmer/", {"action": "remove", "membership": membership.pk})
    assert response.status_code == 404
    assert "anden@anden.example" not in client.get(f"/da/kommune/{own}/medlemmer/").content.decode()
    assert OrganisationLocation.objects.filter(pk=location.pk).exists()
    assert Membership.objects.filter(pk=membership.pk).exists()


def test_admin_invites_an_admin_changes_a_role_and_removes_a_member(client, municipality, admin_member):
    client.force_login(admin_member)
    url = f"/da/kommune/{municipality.organisation.slug}/medlemmer/"
    buyer = Membership.objects.get(organisation=municipality.organisation, user=municipality.buyer)

    client.post(
        url, {"action": "invite", "email": "chef@eksempel.example", "role": "approver", "is_admin": "on"}
    )
    client.post(url, {"action": "update", "membership": buyer.pk, "role": "approver"})

    assert mail.outbox[-1].to == ["chef@eksempel.example"]
    invited = get_user_model().objects.create_user(
        username="chef", email="chef@eksempel.example", password="x"
    )
    joined = services.invitation_accept(invitation=municipality.organisation.invitations.get(), user=invited)
    assert (joined.role, joined.is_admin) == ("approver", True)
    buyer.refresh_from_db()
    assert (buyer.role, buyer.is_admin) == ("approver", False)

    client.post(url, {"action": "remove", "membership": buyer.pk})
    assert not Membership.objects.filter(pk=buyer.pk).exists()


def test_the_last_admin_cannot_remove_themselves_or_drop_admin(client, municipality, admin_member):
    client.force_login(admin_member)
    url = f"/da/kommune/{municipality.organisation.slug}/medlemmer/"
    own = Membership.objects.get(organisation=municipality.organisation, user=admin_member)

    removed = client.post(url, {"action": "remove", "membership": own.pk}, follow=True)
    client.post(url, {"action": "update", "membership": own.pk, "role": "approver"})

    own.refresh_from_db()
    assert own.is_admin
    assert "mindst én administrator" in removed.content.decode()


def test_organisation_page_links_admins_to_members_and_ean(client, municipality, admin_member):
    slug = municipality.organisation.slug
    client.force_login(municipality.buyer)
    assert 'id="link-locations"' not in client.get(f"/da/kommune/{slug}/").content.decode()

    client.force_login(admin_member)
    page = client.get(f"/da/kommune/{slug}/").content.decode()

    assert 'id="link-locations"' in page and 'id="link-members"' in page

"""A vendor's CVR number is checked by the model (issue 11 point 16): admin, staff page and shell alike."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from marketplace.danish_identifiers import validate_cvr
from vendors.models import VendorProfile
from vendors.tests.conftest import VALID_CVRS

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "bad", ["12345678", "1234567", "123456789", "0000000", "01234567", "3124 5672", "３１２４５６７２", ""]
)
def test_model_validator_refuses_a_cvr_that_is_not_8_digits_with_a_correct_check_digit(bad):
    with pytest.raises(ValidationError):
        validate_cvr(bad)


def test_model_validator_accepts_valid_cvrs():
    for cvr in VALID_CVRS:
        validate_cvr(cvr)


def test_full_clean_of_a_vendor_profile_names_the_bad_cvr(vendor_a):
    vendor_a.cvr = "12345678"

    with pytest.raises(ValidationError) as error:
        vendor_a.full_clean()

    assert error.value.message_dict["cvr"] == [
        "12345678 is not a valid CVR number: the check digit does not match."
    ]


def test_shell_save_of_a_bad_cvr_is_refused_and_the_stored_cvr_stays(vendor_a):
    vendor_a.cvr = "12345678"

    with pytest.raises(ValidationError):
        vendor_a.save()

    assert VendorProfile.objects.get(pk=vendor_a.pk).cvr == VALID_CVRS[0]


def test_saving_other_fields_of_a_vendor_still_works(vendor_a):
    vendor_a.mission = "Ny mission"
    vendor_a.save(update_fields=["mission"])

    assert VendorProfile.objects.get(pk=vendor_a.pk).mission == "Ny mission"


def test_admin_change_with_a_bad_cvr_shows_the_message_and_saves_nothing(client, admin_user, vendor_a):
    client.force_login(admin_user)
    url = reverse("admin:vendors_vendorprofile_change", args=[vendor_a.pk])
    page = client.get(url)
    form = page.context["adminform"].form
    data = {name: form.initial.get(name) or "" for name in form.fields}
    data.update(
        {
            "partner": vendor_a.partner_id,
            "applicant": vendor_a.applicant_id,
            "cvr": "12345678",
            "legal_name": vendor_a.legal_name,
            "contact_email": vendor_a.contact_email,
            "slug": vendor_a.slug,
        }
    )
    for name in ("logo", "commission_rate", "employees_flex_jobs", "employees_total"):
        data.pop(name, None)
    for name in ("is_rsov", "is_hub", "stripe_account_ready"):
        if not data.get(name):
            data.pop(name, None)

    response = client.post(url, data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "cvr": ["12345678 er ikke et gyldigt CVR-nummer: kontrolcifferet passer ikke."]
    }
    assert VendorProfile.objects.get(pk=vendor_a.pk).cvr == VALID_CVRS[0]


def test_staff_vendor_page_refuses_a_bad_cvr_and_keeps_the_stored_one(staff_client, vendor_a):
    url = reverse("vendor_dashboard:vendor-detail", kwargs={"pk": vendor_a.pk})

    response = staff_client.post(url, {"legal_name": vendor_a.legal_name, "cvr": "37128847"})

    assert response.status_code == 200
    assert "37128847 is not a valid CVR number: the check digit does not match." in response.content.decode()
    assert VendorProfile.objects.get(pk=vendor_a.pk).cvr == VALID_CVRS[0]


def test_staff_vendor_page_stores_a_spaced_cvr_as_8_digits(staff_client, vendor_a):
    url = reverse("vendor_dashboard:vendor-detail", kwargs={"pk": vendor_a.pk})

    response = staff_client.post(url, {"legal_name": vendor_a.legal_name, "cvr": "37 12 88 48"})

    assert response.status_code == 302
    assert VendorProfile.objects.get(pk=vendor_a.pk).cvr == "37128848"

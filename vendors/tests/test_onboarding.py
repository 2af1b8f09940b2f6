"""Applying, staff approval/rejection/suspension with e-mails, and vendor products needing approval."""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from oscar.core.loading import get_class, get_model

from vendors import services
from vendors.models import VendorProfile
from vendors.selectors import product_queryset_for_storefront
from vendors.tests.conftest import PASSWORD, VALID_CVRS, make_product, make_vendor

pytestmark = pytest.mark.django_db

Partner = get_model("partner", "Partner")
Product = get_model("catalogue", "Product")
ProductClass = get_model("catalogue", "ProductClass")
Selector = get_class("partner.strategy", "Selector")


def application(**overrides):
    data = {
        "name": "Grøn Have",
        "legal_name": "Grøn Have ApS",
        "cvr": "31 24 56 72",
        "mission": "Jobs i haven",
        "street": "Havevej 1",
        "postcode": "8000",
        "city": "Aarhus C",
        "first_name": "Ane",
        "last_name": "Have",
        "email": "ane@have.example",
        "password": "a-Long-pass-123",
    }
    return {**data, **overrides}


def test_application_creates_user_and_applied_vendor_with_normalised_cvr(
    client, catalogue_base, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("vendors:apply"), application())

    assert response.status_code == 302
    vendor = VendorProfile.objects.get()
    assert vendor.status == VendorProfile.Status.APPLIED
    assert vendor.cvr == "31245672"
    assert vendor.applicant.email == "ane@have.example"
    assert vendor.applicant.check_password("a-Long-pass-123")
    assert not vendor.partner.users.exists()
    assert mail.outbox[0].to == ["ane@have.example"]


@pytest.mark.parametrize(
    "cvr, message",
    [
        ("31245673", "31245673 is not a valid CVR number: the check digit does not match."),
        ("1234567", "A CVR number has 8 digits."),
        ("abcdefgh", "A CVR number has 8 digits and does not start with 0."),
    ],
)
def test_invalid_cvr_is_refused_with_a_message_and_nothing_is_saved(client, catalogue_base, cvr, message):
    users_before = get_user_model().objects.count()

    response = client.post(reverse("vendors:apply"), application(cvr=cvr))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not VendorProfile.objects.exists()
    assert not Partner.objects.exists()
    assert get_user_model().objects.count() == users_before


def test_rsov_without_reference_and_known_email_are_refused(client, catalogue_base, vendor_a):
    response = client.post(reverse("vendors:apply"), application(is_rsov="on", email=vendor_a.user.email))

    html = response.content.decode()
    assert "Give the registration reference" in html
    assert "already exists" in html
    assert VendorProfile.objects.count() == 1


def test_logged_in_user_applies_without_a_new_account(client, catalogue_base, django_user_model):
    user = django_user_model.objects.create_user(
        username="u@x.example", email="u@x.example", password=PASSWORD
    )
    client.force_login(user)

    client.post(reverse("vendors:apply"), application(email="u@x.example", password=""))

    assert VendorProfile.objects.get().applicant == user


def test_staff_approval_links_user_grants_dashboard_and_emails(
    staff_client, catalogue_base, django_capture_on_commit_callbacks
):
    vendor = make_vendor("new", cvr=VALID_CVRS[3], status=VendorProfile.Status.APPLIED)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(
            reverse("vendor_dashboard:vendor-decision", kwargs={"pk": vendor.pk}), {"action": "approve"}
        )

    vendor.refresh_from_db()
    user = get_user_model().objects.get(pk=vendor.user.pk)
    assert vendor.status == VendorProfile.Status.APPROVED
    assert list(vendor.partner.users.all()) == [user]
    assert user.has_perm("partner.dashboard_access")
    assert len(mail.outbox) == 1 and "er godkendt som sælger" in mail.outbox[0].subject  # Danish first


def test_approving_twice_sends_one_email(catalogue_base, django_capture_on_commit_callbacks):
    vendor = make_vendor("twice", cvr=VALID_CVRS[3], status=VendorProfile.Status.APPLIED)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.vendor_approve(vendor=vendor)
        services.vendor_approve(vendor=vendor)

    assert len(mail.outbox) == 1


def test_rejection_needs_a_reason_and_emails_it(
    staff_client, catalogue_base, django_capture_on_commit_callbacks
):
    vendor = make_vendor("rej", cvr=VALID_CVRS[3], status=VendorProfile.Status.APPLIED)
    url = reverse("vendor_dashboard:vendor-decision", kwargs={"pk": vendor.pk})
    mail.outbox.clear()

    staff_client.post(url, {"action": "reject", "reason": ""})
    vendor.refresh_from_db()
    assert vendor.status == VendorProfile.Status.APPLIED
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(url, {"action": "reject", "reason": "Vi mangler jeres CVR-registrering."})

    vendor.refresh_from_db()
    assert vendor.status == VendorProfile.Status.REJECTED
    assert "Vi mangler jeres CVR-registrering." in mail.outbox[0].body
    assert not vendor.partner.users.exists()


def test_suspension_removes_dashboard_and_storefront_and_reinstating_restores_them(
    client, staff_client, vendor_a, vendor_b
):
    product = make_product(vendor_a, title="Honning", sku="A-H")
    url = reverse("vendor_dashboard:vendor-decision", kwargs={"pk": vendor_a.pk})

    staff_client.post(url, {"action": "suspend", "reason": "Mangler fødevaregodkendelse"})

    user = get_user_model().objects.get(pk=vendor_a.user.pk)
    assert not user.has_perm("partner.dashboard_access")
    assert not product_queryset_for_storefront().filter(pk=product.pk).exists()
    assert not Selector().strategy().fetch_for_product(product).availability.is_available_to_buy
    client.force_login(user)
    assert client.get(reverse("dashboard:index")).status_code == 403
    assert client.get(reverse("vendors:detail", kwargs={"slug": vendor_a.slug})).status_code == 404

    staff_client.post(url, {"action": "reinstate"})

    user = get_user_model().objects.get(pk=vendor_a.user.pk)
    assert user.has_perm("partner.dashboard_access")
    assert product_queryset_for_storefront().filter(pk=product.pk).exists()
    assert Selector().strategy().fetch_for_product(product).availability.is_available_to_buy


def test_non_staff_cannot_decide_and_anonymous_is_sent_to_login(client, vendor_a, catalogue_base):
    applied = make_vendor("wait", cvr=VALID_CVRS[3], status=VendorProfile.Status.APPLIED)
    url = reverse("vendor_dashboard:vendor-decision", kwargs={"pk": applied.pk})

    anonymous = client.post(url, {"action": "approve"})
    client.force_login(vendor_a.user)
    vendor = client.post(url, {"action": "approve"})

    assert anonymous.status_code == 302 and "login" in anonymous.url
    assert vendor.status_code == 403
    applied.refresh_from_db()
    assert applied.status == VendorProfile.Status.APPLIED


def _create_product_as_vendor(client, vendor, title):
    from vendors.tests.test_dashboard_isolation import product_form_data

    food = ProductClass.objects.get(name="Fødevare")
    formset_class = get_class("dashboard.catalogue.formsets", "StockRecordFormSet")
    prefix = formset_class.get_default_prefix()
    data = product_form_data(Product(title=title), is_public="on", attr_allergens="Nødder")
    data.update(
        {
            f"{prefix}-TOTAL_FORMS": "1",
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-0-partner": str(vendor.partner.pk),
            f"{prefix}-0-partner_sku": "NEW-9",
            f"{prefix}-0-price_currency": "DKK",
            f"{prefix}-0-price": "80.00",
            f"{prefix}-0-num_in_stock": "7",
        }
    )
    url = reverse("dashboard:catalogue-product-create", kwargs={"product_class_slug": food.slug})
    return client.post(url, data)


def test_vendor_product_is_hidden_until_staff_approve_it(client_a, vendor_a, staff_client):
    response = _create_product_as_vendor(client_a, vendor_a, "Nøddemix")

    product = Product.objects.get(title="Nøddemix")
    assert response.status_code == 302
    assert not product.is_public
    assert product.attr.allergens == "Nødder"
    assert product.stockrecords.get().partner == vendor_a.partner
    pending = staff_client.get(reverse("vendor_dashboard:product-approval-list"))
    assert "Nøddemix" in pending.content.decode()

    staff_client.post(reverse("vendor_dashboard:product-approve", kwargs={"pk": product.pk}))

    product.refresh_from_db()
    assert product.is_public
    assert product_queryset_for_storefront().filter(pk=product.pk).exists()


def test_without_approval_setting_vendor_products_are_public_at_once(client_a, vendor_a, settings):
    settings.VENDOR_PRODUCT_APPROVAL_REQUIRED = False

    _create_product_as_vendor(client_a, vendor_a, "Nøddemix")

    assert Product.objects.get(title="Nøddemix").is_public


def test_vendor_product_form_says_the_price_excludes_vat(client_a, vendor_a):
    food = ProductClass.objects.get(name="Fødevare")

    url = reverse("dashboard:catalogue-product-create", kwargs={"product_class_slug": food.slug})
    response = client_a.get(url)

    html = response.content.decode()
    assert "Prices here are excl. VAT (DKK)" in html
    assert 'name="is_public"' not in html
    assert 'name="attr_allergens"' in html and 'name="attr_contents"' in html


def test_vendor_edits_own_profile_but_not_status_or_cvr(client_a, vendor_a):
    response = client_a.post(
        reverse("vendor_dashboard:profile"),
        {
            "mission": "Ny mission",
            "contact_email": "ny@a.example",
            "postcode": "8000",
            "status": "approved",
            "cvr": "00000000",
            "commission_rate": "0",
        },
    )

    vendor_a.refresh_from_db()
    assert response.status_code == 302
    assert vendor_a.mission == "Ny mission"
    assert vendor_a.cvr == VALID_CVRS[0]
    assert vendor_a.commission_rate is None


def test_profile_rejects_bad_postcode(client_a, vendor_a):
    response = client_a.post(
        reverse("vendor_dashboard:profile"),
        {
            "mission": "x",
            "contact_email": "ny@a.example",
            "postcode": "80",
        },
    )

    assert "A Danish postcode has 4 digits." in response.content.decode()
    vendor_a.refresh_from_db()
    assert vendor_a.mission == "Mission of a"

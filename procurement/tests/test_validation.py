"""Wrong identifiers, bad recipient files and missing references are refused; nothing is saved."""

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from openpyxl import Workbook

from procurement.models import BulkOrder, Organisation, OrganisationLocation, Recipient
from procurement.recipients import recipients_parse
from procurement.tests.conftest import draft_for
from procurement.views import DRAFT_KEY

pytestmark = pytest.mark.django_db


@pytest.fixture
def municipality(municipal_buyers):
    """Factory data (procurement/tests/conftest.py: municipal_buyers), not the demo seed."""
    return municipal_buyers


def _admin_add(client, admin_user, **overrides):
    data = {
        "name": "Testby Kommune",
        "slug": "testby",
        "cvr": "12345674",
        "street": "Torvet 1",
        "postcode": "7100",
        "city": "Vejle",
        "invoice_email": "",
        "approval_limit": "5000.00",
        "locations-TOTAL_FORMS": "1",
        "locations-INITIAL_FORMS": "0",
        "locations-0-ean": "5798009999023",
        "locations-0-unit_name": "Skoler",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    client.force_login(admin_user)
    return client.post("/admin/procurement/organisation/add/", data)


def test_staff_create_organisation_with_valid_cvr_and_ean(client, admin_user):
    response = _admin_add(client, admin_user)

    assert response.status_code == 302
    assert Organisation.objects.get(slug="testby").locations.get().ean == "5798009999023"


def test_ean_with_wrong_check_digit_is_refused_and_nothing_saved(client, admin_user):
    response = _admin_add(client, admin_user, **{"locations-0-ean": "5798009999024"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "5798009999024 er ikke et gyldigt EAN-nummer: kontrolcifferet passer ikke." in html
    assert not Organisation.objects.exists()
    assert not OrganisationLocation.objects.exists()


def test_ean_must_have_13_digits(client, admin_user):
    response = _admin_add(client, admin_user, **{"locations-0-ean": "57980099990"})

    assert "Et EAN-lokationsnummer har præcis 13 cifre." in response.content.decode()
    assert not Organisation.objects.exists()


def test_cvr_with_wrong_checksum_is_refused_and_nothing_saved(client, admin_user):
    response = _admin_add(client, admin_user, cvr="12345675")

    assert response.status_code == 200
    assert "12345675 er ikke et gyldigt CVR-nummer: kontrolcifferet passer ikke." in response.content.decode()
    assert not Organisation.objects.exists()


def _csv(rows: list[str]) -> bytes:
    return ("navn;adresse;postnr;by;hilsen\n" + "\n".join(rows)).encode()


def test_parser_reports_each_bad_row():
    rows = recipients_parse(
        data=_csv(
            [
                "Anna Jensen;Skolevej 4;8000;Aarhus C;Tak",
                ";Skolevej 5;8000;Aarhus C;",
                "Bo Nielsen;Skolevej 6;80;Aarhus C;",
                "Anna Jensen;Skolevej 4;8000;Aarhus C;igen",
                "Cai Berg;;8000;;",
            ]
        ),
        filename="modtagere.csv",
    )

    assert [row.errors for row in rows] == [
        [],
        ["Mangler navn."],
        ["Postnummeret skal have 4 cifre."],
        ["Samme modtager som række 2."],
        ["Mangler adresse."],
    ]
    assert rows[4].city == "Aarhus C"  # filled in from the postcode list


def test_xlsx_recipient_file_is_read():
    book = Workbook()
    sheet = book.active
    sheet.append(["Navn", "Adresse", "Postnr", "By"])
    sheet.append(["Anna Jensen", "Skolevej 4", 8000, "Aarhus C"])
    buffer = io.BytesIO()
    book.save(buffer)

    rows = recipients_parse(data=buffer.getvalue(), filename="modtagere.xlsx")

    assert [(r.name, r.postcode, r.errors) for r in rows] == [("Anna Jensen", "8000", [])]


def _start_post(client, m, upload, **extra):
    data = {
        "design": m.design.pk,
        "mode": "file",
        "recipients_file": upload,
        "requested_delivery_date": (timezone.localdate() + timedelta(days=14)).isoformat(),
    }
    data.update(extra)
    return client.post(f"/da/kommune/{m.organisation.slug}/bestil/", data)


def test_recipient_file_with_bad_rows_is_refused_with_row_errors_and_nothing_saved(client, municipality):
    m = municipality
    client.force_login(m.buyer)
    rows = ["Anna Jensen;Skolevej 4;8000;Aarhus C;", "Bo Nielsen;Skolevej 6;80000;Aarhus C;"]
    upload = io.BytesIO(_csv(rows))
    upload.name = "modtagere.csv"

    response = _start_post(client, m, upload)

    html = response.content.decode()
    assert response.status_code == 200
    assert "1 af 2 rækker har fejl; intet er gemt." in html
    assert "Postnummeret skal have 4 cifre." in html
    assert DRAFT_KEY.format(m.organisation.pk) not in client.session
    assert not Recipient.objects.exists()
    assert not BulkOrder.objects.exists()


def test_file_without_required_columns_is_refused(client, municipality):
    m = municipality
    client.force_login(m.buyer)
    upload = io.BytesIO(b"navn;by\nAnna;Aarhus\n")
    upload.name = "modtagere.csv"

    response = _start_post(client, m, upload)

    assert "Mangler: adresse, postnr." in response.content.decode()


def test_delivery_date_in_the_past_is_refused(client, municipality):
    m = municipality
    client.force_login(m.buyer)
    upload = io.BytesIO(_csv(["Anna Jensen;Skolevej 4;8000;Aarhus C;"]))
    upload.name = "modtagere.csv"

    response = _start_post(
        client, m, upload, requested_delivery_date=(timezone.localdate() - timedelta(days=1)).isoformat()
    )

    assert "Leveringsdatoen ligger i fortiden." in response.content.decode()
    assert DRAFT_KEY.format(m.organisation.pk) not in client.session


def test_missing_person_reference_is_refused_and_nothing_saved(client, municipality):
    m = municipality
    client.force_login(m.buyer)
    session = client.session
    session[DRAFT_KEY.format(m.organisation.pk)] = draft_for(design=m.design, count=5).as_session()
    session.save()

    response = client.post(
        f"/da/kommune/{m.organisation.slug}/bestil/tilbud/",
        {"location": m.location.pk, "po_number": "PO-1", "person_reference": "  "},
    )

    assert response.status_code == 200
    assert "Angiv personreferencen: fakturaen kan ikke sendes uden." in response.content.decode()
    assert not BulkOrder.objects.exists()


def test_a_purchase_order_number_used_before_is_warned_about_and_needs_a_tick(client, municipality):
    from procurement import services

    m = municipality
    services.bulk_order_create(
        organisation=m.organisation,
        user=m.buyer,
        draft=draft_for(design=m.design, count=2),
        location=m.location,
        po_number="PO-77",
        person_reference="ANJE",
    )
    client.force_login(m.buyer)
    session = client.session
    session[DRAFT_KEY.format(m.organisation.pk)] = draft_for(design=m.design, count=3).as_session()
    session.save()
    url = f"/da/kommune/{m.organisation.slug}/bestil/tilbud/"

    warned = client.post(url, {"location": m.location.pk, "po_number": "po-77 ", "person_reference": "ANJE"})

    page = warned.content.decode()
    assert "Ordrenummer po-77 står allerede på ordre" in page
    assert 'type="checkbox" name="confirm_duplicate_po"' in page
    assert BulkOrder.objects.count() == 1

    confirmed = client.post(
        url,
        {
            "location": m.location.pk,
            "po_number": "po-77",
            "person_reference": "ANJE",
            "confirm_duplicate_po": "on",
        },
    )

    assert confirmed.status_code == 302 and BulkOrder.objects.count() == 2


def test_an_empty_person_reference_is_marked_required_and_highlighted(client, municipality):
    m = municipality
    client.force_login(m.buyer)
    session = client.session
    session[DRAFT_KEY.format(m.organisation.pk)] = draft_for(design=m.design, count=2).as_session()
    session.save()
    url = f"/da/kommune/{m.organisation.slug}/bestil/tilbud/"

    first = client.get(url).content.decode()
    response = client.post(url, {"location": m.location.pk, "po_number": "PO-1", "person_reference": ""})

    assert (
        'name="person_reference"' in first and "required" in first.split('name="person_reference"')[1][:200]
    )
    field = response.content.decode().split('name="person_reference"')
    assert "is-invalid" in field[0][-200:] + field[1][:200]
    assert 'aria-invalid="true"' in field[0][-200:] + field[1][:200]

"""Recipient files as Danish municipal Excel makes them (issue 15, issue 11.11)."""

import base64
import csv
import io
import time
from datetime import timedelta

import pytest
from django.utils import timezone, translation
from openpyxl import Workbook

from procurement.recipients import MAX_ROWS, RecipientFileError, recipients_parse

pytestmark = pytest.mark.django_db


@pytest.fixture
def municipality(municipal_buyers):
    """Factory data (procurement/tests/conftest.py: municipal_buyers), not the demo seed."""
    return municipal_buyers


@pytest.fixture(autouse=True)
def danish():
    with translation.override("da"):
        yield


CITIES = ["Høje Taastrup", "Århus C", "Ærøskøbing", "Ålborg", "Køge"]


def _xlsx(
    header: list, rows: list[list], *, postcode_format: str | None = None, blank_after: set = ()
) -> bytes:
    """A workbook the way Excel stores it: postcodes as numbers with a '0000' or General format."""
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    line = 1
    for index, row in enumerate(rows):
        line += 1
        sheet.append(row)
        if postcode_format and "Postnr." in header:
            sheet.cell(row=line, column=header.index("Postnr.") + 1).number_format = postcode_format
        if index in blank_after:
            line += 1
            sheet.append([])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("number_format", ["0000", "General"])
def test_postcode_800_stored_as_a_number_by_excel_is_read_as_0800(number_format):
    data = _xlsx(
        ["Navn", "Adresse", "Postnr.", "By"],
        [["Grete Hansen", "Girostrøget 1", 800, "Høje Taastrup"], ["Bo Ærø", "Torvet 2", 8000.0, "Aarhus C"]],
        postcode_format=number_format,
    )

    rows = recipients_parse(data=data, filename="modtagere.xlsx")

    assert [(r.postcode, r.errors) for r in rows] == [("0800", []), ("8000", [])]


def test_postcode_stored_as_text_keeps_its_zero():
    data = _xlsx(
        ["Navn", "Adresse", "Postnr.", "By"], [["Grete Hansen", "Girostrøget 1", "0800", "Høje Taastrup"]]
    )

    assert recipients_parse(data=data, filename="m.xlsx")[0].postcode == "0800"


def test_app_labels_first_and_last_name_att_phone_email_and_quantity_are_read():
    header = ["Fornavn", "Efternavn", "Att.", "Adresse", "Postnr.", "By", "Tlf.", "E-mail", "Antal", "Hilsen"]
    data = _xlsx(
        header,
        [
            [
                "Søren",
                "Ærbø",
                "Ældreplejen",
                "Åvej 3",
                800,
                "Høje Taastrup",
                "12345678",
                "s@kommune.dk",
                3,
                "Tak",
            ]
        ],
    )

    (row,) = recipients_parse(data=data, filename="modtagere.xlsx")

    assert (row.name, row.attention, row.phone, row.email, row.quantity) == (
        "Søren Ærbø",
        "Ældreplejen",
        "12345678",
        "s@kommune.dk",
        3,
    )
    assert row.errors == []


def test_english_headings_are_read():
    data = _xlsx(
        ["Recipient", "Department", "Street", "Postcode", "City", "Quantity"],
        [["Ann", "HR", "Vej 1", 2630, "Taastrup", 2]],
    )

    (row,) = recipients_parse(data=data, filename="recipients.xlsx")

    assert (row.name, row.attention, row.postcode, row.quantity, row.errors) == ("Ann", "HR", "2630", 2, [])


def test_row_numbers_are_the_ones_excel_shows_after_blank_rows():
    data = _xlsx(
        ["Navn", "Adresse", "Postnr.", "By"],
        [
            ["Anna", "Vej 1", 8000, "Aarhus C"],
            ["Bo", "Vej 2", 8000, "Aarhus C"],
            ["", "Vej 3", 8000, "Aarhus C"],
        ],
        blank_after={0, 1},
    )

    rows = recipients_parse(data=data, filename="m.xlsx")

    # Excel: heading row 1, Anna 2, blank 3, Bo 4, blank 5, the row without a name 6.
    assert [r.line for r in rows] == [2, 4, 6]
    assert rows[2].errors == ["Mangler navn."]


def test_cp1252_semicolon_csv_with_blank_rows_and_600_recipients_is_read():
    lines = ["Navn;Adresse;Postnr.;By;Hilsen"]
    for i in range(1, 601):
        lines.append(f"Søren Ærø {i};Åboulevard {i};800;{CITIES[i % 5]};Glædelig jul")
        if i == 10:
            lines.append(";;;;")
    data = ("\r\n".join(lines) + "\r\n").encode("cp1252")

    rows = recipients_parse(data=data, filename="modtagere.csv")

    assert len(rows) == 600 and not any(r.errors for r in rows)
    assert rows[0].name == "Søren Ærø 1" and rows[0].postcode == "0800"
    assert rows[10].line == 13  # heading 1, rows 2-11, blank 12


def test_an_xlsx_with_300000_rows_is_refused_quickly():
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["Navn", "Adresse", "Postnr.", "By"])
    for _i in range(300_000):
        sheet.append([1])
    buffer = io.BytesIO()
    book.save(buffer)
    data = buffer.getvalue()
    assert len(data) < 2 * 1024 * 1024  # under the size limit: only the row limit can stop it

    started = time.process_time()
    with pytest.raises(RecipientFileError) as refused:
        recipients_parse(data=data, filename="bombe.xlsx")
    cpu = time.process_time() - started

    assert f"Højst {MAX_ROWS} modtagere pr. ordre." in str(refused.value)
    assert cpu < 5, f"{cpu:.1f} s CPU before refusing"


def test_a_csv_with_300000_rows_stops_at_the_limit():
    data = ("Navn;Adresse;Postnr.;By\n" + "M;Vej 1;8000;Aarhus C\n" * 300_000).encode()

    started = time.process_time()
    with pytest.raises(RecipientFileError):
        recipients_parse(data=data, filename="bombe.csv")

    assert time.process_time() - started < 2


def test_control_character_in_a_cell_is_a_row_error():
    data = "Navn;Adresse;Postnr.;By\nAnna\x0bJensen;Vej 1;8000;Aarhus C\n".encode("cp1252")

    (row,) = recipients_parse(data=data, filename="m.csv")

    assert "U+000B" in " ".join(row.errors)


def test_preview_puts_the_error_summary_first_with_a_filter_and_an_error_report(client, municipality):
    m = municipality
    client.force_login(m.buyer)
    rows = [[f"Modtager {i}", f"Vej {i}", 8000, "Aarhus C"] for i in range(1, 520)]
    rows[499][2] = "80"
    upload = io.BytesIO(_xlsx(["Navn", "Adresse", "Postnr.", "By"], rows))
    upload.name = "modtagere.xlsx"

    response = client.post(
        f"/da/kommune/{m.organisation.slug}/bestil/",
        {
            "design": m.design.pk,
            "mode": "file",
            "recipients_file": upload,
            "requested_delivery_date": (timezone.localdate() + timedelta(days=14)).isoformat(),
        },
    )

    html = response.content.decode()
    summary = html.index('id="recipient-errors"')
    assert summary < html.index("recipients-preview")
    assert "1 af 519 rækker har fejl" in html
    assert "Række 501: Postnummeret skal have 4 cifre." in html
    assert 'href="#only-errors"' in html
    encoded = html.split(
        'id="download-error-report" download="modtagere-fejl.csv" href="data:text/csv;charset=utf-8;base64,'
    )[1].split('"')[0]
    report = list(csv.reader(io.StringIO(base64.b64decode(encoded).decode("utf-8-sig")), delimiter=";"))
    assert report[0] == ["Række", "Navn", "Adresse", "Postnr.", "By", "Fejl"]
    assert report[500] == [
        "501",
        "Modtager 500",
        "Vej 500",
        "80",
        "Aarhus C",
        "Postnummeret skal have 4 cifre.",
    ]
    assert report[1][-1] == ""


def test_missing_city_is_filled_in_from_the_postcode_list_even_without_a_city_column():
    data = _xlsx(
        ["Navn", "Adresse", "Postnr."],
        [["Grete Hansen", "Girostrøget 1", 800], ["Bo Ærø", "Torvet 2", 5000]],
        postcode_format="0000",
    )

    rows = recipients_parse(data=data, filename="modtagere.xlsx")

    assert [(r.postcode, r.city, r.errors) for r in rows] == [
        ("0800", "Høje-Taastrup", []),
        ("5000", "Odense C", []),
    ]
    assert "Høje-Taastrup" in rows[0].warnings[0]


def test_postcode_city_mismatch_is_a_warning_not_an_error():
    text = (
        "Navn;Adresse;Postnr.;By\r\n"
        "Anna;Algade 1;4000;Køge\r\nBo;Torvet 2;8000;Århus C\r\nCarl;Vej 3;5000;Odense\r\n"
    )

    rows = recipients_parse(data=text.encode("cp1252"), filename="modtagere.csv")

    assert [r.errors for r in rows] == [[], [], []]
    assert rows[0].warnings == ["Postnummer 4000 er Roskilde, ikke Køge: kontrollér adressen."]
    # Old spelling (Århus) and a town without its district letter (Odense for Odense C) are fine.
    assert rows[1].warnings == [] and rows[2].warnings == []


def test_unknown_postcode_is_a_warning_and_a_missing_city_stays_an_error():
    text = "Navn;Adresse;Postnr.;By\r\nAnna;Algade 1;0001;\r\nBo;Torvet 2;0002;Et sted\r\n"

    rows = recipients_parse(data=text.encode("cp1252"), filename="modtagere.csv")

    assert rows[0].errors == ["Mangler by."]
    assert rows[1].errors == []
    assert "0002" in rows[1].warnings[0]


def test_preview_shows_the_postcode_warnings_and_still_allows_the_quote(client, municipality):
    client.force_login(municipality.buyer)
    text = "Navn;Adresse;Postnr.;By\r\nAnna;Algade 1;4000;Køge\r\nBo;Torvet 2;0800;\r\n"
    upload = io.BytesIO(text.encode("cp1252"))
    upload.name = "modtagere.csv"

    response = client.post(
        f"/da/kommune/{municipality.organisation.slug}/bestil/",
        {
            "design": municipality.design.pk,
            "requested_delivery_date": (timezone.localdate() + timedelta(days=30)).strftime("%d.%m.%Y"),
            "mode": "file",
            "recipients_file": upload,
        },
    )

    page = response.content.decode()
    assert 'data-testid="recipient-warnings"' in page
    assert "Postnummer 4000 er Roskilde, ikke Køge" in page
    assert 'id="to-quote"' in page

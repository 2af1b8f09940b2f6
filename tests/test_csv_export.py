"""The one formula-safe CSV writer (marketplace.csv_export)."""

import csv
import io
from decimal import Decimal

import pytest

from marketplace.csv_export import csv_bytes, csv_safe_cell


@pytest.mark.parametrize(
    "text", ["=1+1", "+45 12345678", "-2+3", "@SUM(A1)", "\tTabulator", "\rReturn", '=HYPERLINK("x")']
)
def test_text_that_a_spreadsheet_would_run_gets_a_leading_apostrophe(text):
    assert csv_safe_cell(text) == "'" + text


def test_numbers_and_plain_text_are_left_alone():
    assert csv_safe_cell(Decimal("-12.50")) == Decimal("-12.50")
    assert csv_safe_cell(3) == 3
    assert csv_safe_cell("Æblemost 1-2") == "Æblemost 1-2"
    assert csv_safe_cell(None) == ""


def test_csv_bytes_is_semicolon_utf8_with_bom_for_danish_excel():
    data = csv_bytes([["Navn", "Beløb"], ["=cmd", Decimal("-1.00")]])

    assert data.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    assert rows == [["Navn", "Beløb"], ["'=cmd", "-1.00"]]

"""Property: random cells in a vendor's CSV/XLSX import never give a 500 or a partial save (issue 11)."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from oscar.core.loading import get_model

from vendors.models import ProductImport
from vendors.tests.test_import import HEADER

pytestmark = pytest.mark.django_db

Product = get_model("catalogue", "Product")
StockRecord = get_model("partner", "StockRecord")

COLUMNS = HEADER.strip().split(",")
# Cells a spreadsheet can hold: Danish numbers, odd digits, formulas, huge values, control characters.
cell = st.one_of(
    st.text(max_size=40),
    st.sampled_from(
        [
            "49,95",
            "1.249,00",
            "1e30",
            "99999999999",
            "-5",
            "0",
            "²",
            "10000000000000000000",
            '=HYPERLINK("x")',
            "00123",
            "NaN",
            "",
            " ",
            "\x0b",
            "<script>x</script>",
        ]
    ),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.decimals(allow_nan=False, allow_infinity=False, places=3).map(str),
)
row = st.lists(cell, min_size=len(COLUMNS), max_size=len(COLUMNS))


def _csv(rows) -> bytes:
    import csv

    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    return out.getvalue().encode("cp1252", errors="replace")


def _xlsx(rows) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(COLUMNS)
    for values in rows:
        sheet.append([ILLEGAL_CHARACTERS_RE.sub("", v) for v in values])  # a worksheet cannot hold them
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(row, min_size=1, max_size=4), as_xlsx=st.booleans())
def test_random_import_cells_never_answer_500_and_never_save_part_of_a_file(
    client_a, vendor_a, rows, as_xlsx
):
    before = (Product.objects.count(), StockRecord.objects.count())
    name, data = ("products.xlsx", _xlsx(rows)) if as_xlsx else ("products.csv", _csv(rows))

    upload = client_a.post(
        reverse("vendor_dashboard:import-upload"), {"file": SimpleUploadedFile(name, data)}
    )
    assert upload.status_code in (200, 302)
    product_import = ProductImport.objects.filter(partner=vendor_a.partner).order_by("-pk").first()
    if upload.status_code == 302 and product_import is not None:
        preview = client_a.get(upload.url)
        assert preview.status_code == 200
        confirm = client_a.post(upload.url)
        assert confirm.status_code in (200, 302)
        product_import.refresh_from_db()
        after = (Product.objects.count(), StockRecord.objects.count())
        if product_import.status == "done":
            # everything of the file or nothing: created rows match the products that appeared
            assert after[1] - before[1] == product_import.created_count
        else:
            assert after == before
    else:
        assert (Product.objects.count(), StockRecord.objects.count()) == before

"""Reading a recipient list (CSV or XLSX) into rows with row-level errors.

Nothing is saved here: the preview shows the rows and their errors, and only a
clean list can be confirmed.
"""

import csv
import io
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

MAX_ROWS = 2000
MAX_BYTES = 2 * 1024 * 1024

# Accepted column headings (lower case), Danish and English.
COLUMNS = {
    "name": ("name", "navn", "modtager", "recipient"),
    "street": ("street", "adresse", "address", "vej", "gade"),
    "postcode": ("postcode", "postnr", "postnummer", "post code", "zip"),
    "city": ("city", "by", "bynavn", "town"),
    "message": ("message", "hilsen", "gavehilsen", "gift message", "besked"),
    "basket": ("basket", "kurv", "gavekurv"),
}
REQUIRED = ("name", "street", "postcode", "city")


class RecipientFileError(Exception):
    """The file as a whole cannot be read (format, headings, size)."""


@dataclass
class RecipientRow:
    line: int
    name: str = ""
    street: str = ""
    postcode: str = ""
    city: str = ""
    message: str = ""
    basket: str = ""
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            k: getattr(self, k) for k in ("line", "name", "street", "postcode", "city", "message", "basket")
        }


def _rows_from_csv(data: bytes) -> list[list[str]]:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=";,\t")
    except csv.Error:
        dialect = csv.excel
    return [row for row in csv.reader(io.StringIO(text), dialect)]


def _rows_from_xlsx(data: bytes) -> list[list[str]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds for a broken file
        raise RecipientFileError(_("The file could not be read as an Excel workbook (.xlsx)."))
    sheet = workbook.worksheets[0]
    rows = []
    for values in sheet.iter_rows(values_only=True):
        rows.append(
            [
                "" if v is None else (str(int(v)) if isinstance(v, float) and v.is_integer() else str(v))
                for v in values
            ]
        )
    workbook.close()
    return rows


def _column_map(header: list[str]) -> dict[str, int]:
    found = {}
    for index, heading in enumerate(header):
        key = heading.strip().lower()
        for column, names in COLUMNS.items():
            if key in names and column not in found:
                found[column] = index
    missing = [c for c in REQUIRED if c not in found]
    if missing:
        raise RecipientFileError(
            _("The first row must name the columns. Missing: %(columns)s.")
            % {"columns": ", ".join(COLUMNS[c][1] for c in missing)}
        )
    return found


def recipients_parse(
    *, data: bytes, filename: str, basket_slugs: set[str] | None = None
) -> list[RecipientRow]:
    """Parse the file; every row comes back with its own list of errors (empty = fine)."""
    if len(data) > MAX_BYTES:
        raise RecipientFileError(_("The file is larger than 2 MB."))
    lower = filename.lower()
    if lower.endswith(".csv") or lower.endswith(".txt"):
        table = _rows_from_csv(data)
    elif lower.endswith(".xlsx"):
        table = _rows_from_xlsx(data)
    else:
        raise RecipientFileError(_("Upload a CSV file or an Excel workbook (.xlsx)."))
    table = [row for row in table if any(cell.strip() for cell in row)]
    if not table:
        raise RecipientFileError(_("The file is empty."))
    columns = _column_map(table[0])
    if len(table) - 1 > MAX_ROWS:
        raise RecipientFileError(_("At most %(max)d recipients per order.") % {"max": MAX_ROWS})
    if len(table) == 1:
        raise RecipientFileError(_("The file has no recipients below the heading row."))

    rows: list[RecipientRow] = []
    seen: dict[tuple, int] = {}
    for line, values in enumerate(table[1:], start=2):

        def cell(column, values=values):
            index = columns.get(column)
            return values[index].strip() if index is not None and index < len(values) else ""

        row = RecipientRow(line=line, **{c: cell(c) for c in COLUMNS})
        row.postcode = row.postcode.replace(" ", "")
        labels = {
            "name": pgettext("recipient file", "name"),
            "street": pgettext("recipient file", "street"),
            "postcode": pgettext("recipient file", "postcode"),
            "city": pgettext("recipient file", "city"),
        }
        for column in REQUIRED:
            if not getattr(row, column):
                row.errors.append(_("Missing %(field)s.") % {"field": labels[column]})
        if row.postcode and not re.fullmatch(r"\d{4}", row.postcode):
            row.errors.append(_("The postcode must have 4 digits."))
        if row.basket and basket_slugs is not None and row.basket not in basket_slugs:
            row.errors.append(_("Unknown basket “%(basket)s”.") % {"basket": row.basket})
        key = (row.name.lower(), row.street.lower(), row.postcode)
        if all(key) and key in seen:
            row.errors.append(_("Same recipient as row %(line)d.") % {"line": seen[key]})
        elif all(key):
            seen[key] = line
        rows.append(row)
    return rows

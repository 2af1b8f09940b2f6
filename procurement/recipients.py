"""Reading a recipient list (CSV or XLSX, as Danish municipal Excel makes it) into rows.

Nothing is saved here: the preview shows the rows and their errors, and only a clean list
can be confirmed. Files are read lazily (CSV row by row, XLSX in openpyxl's streaming
read-only mode) and reading stops at the row limit, so a 300,000-row file is refused in
moments instead of being parsed whole. Row numbers are the ones Excel shows (blank rows
count), and Excel's habits are undone: a postcode stored as the number 800 is 0800.
"""

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from marketplace.control_characters import validate_no_control_characters, validate_single_line
from marketplace.danish_postcodes import city_matches, postcode_city
from marketplace.errors import RuleViolation

MAX_ROWS = 2000
MAX_BYTES = 2 * 1024 * 1024
# Blank rows are skipped, but not forever: a file of a million empty rows is refused too.
MAX_SCANNED_ROWS = MAX_ROWS + 5000
MAX_QUANTITY_PER_ADDRESS = 2000


def _heading(text: str) -> str:
    """'Postnr.', ' E-mail ', 'Att.' → 'postnr', 'email', 'att': case, dots, dashes and spaces."""
    return re.sub(r"[\s.\-_:/]+", "", (text or "").strip().lower())


# Accepted column headings, Danish and English, including the app's own labels.
COLUMNS = {
    "name": ("navn", "name", "modtager", "recipient", "modtagernavn", "fuldtnavn", "fullname"),
    "first_name": ("fornavn", "firstname", "givenname"),
    "last_name": ("efternavn", "lastname", "surname", "familyname"),
    "attention": ("att", "attention", "afdeling", "department", "attn", "co", "modtagerafdeling"),
    "street": ("adresse", "address", "street", "vej", "gade", "vejognummer", "gadeadresse", "adresselinje1"),
    "postcode": ("postnr", "postnummer", "postcode", "postalcode", "zip", "zipcode", "postnrby"),
    "city": ("by", "bynavn", "city", "town", "postdistrikt"),
    "phone": ("telefon", "tlf", "tlfnr", "telefonnummer", "mobil", "mobilnummer", "phone", "mobile"),
    "email": ("email", "mail", "emailadresse", "epost"),
    "quantity": ("antal", "antalkurve", "kurve", "quantity", "qty", "baskets", "numberofbaskets"),
    "message": ("hilsen", "gavehilsen", "besked", "message", "giftmessage", "kort", "kortetstekst"),
    "basket": ("kurv", "gavekurv", "basket", "giftbasket"),
}
_LOOKUP = {_heading(name): column for column, names in COLUMNS.items() for name in names}
SINGLE_LINE = ("name", "first_name", "last_name", "attention", "street", "postcode", "city", "phone", "email")


class RecipientList(list):
    """The rows, plus the file's own heading row (for the downloadable error report)."""

    header: list[str] = []


class RecipientFileError(RuleViolation):
    """The file as a whole cannot be read (format, headings, size)."""


@dataclass
class RecipientRow:
    line: int
    name: str = ""
    attention: str = ""
    street: str = ""
    postcode: str = ""
    city: str = ""
    phone: str = ""
    email: str = ""
    quantity: int = 1
    message: str = ""
    basket: str = ""
    raw: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    # Worth a look but not wrong (the postcode list can be older than the post office).
    warnings: list[str] = field(default_factory=list)


def _text(value) -> str:
    """A cell as the user typed it: integers without '.0', dates in Danish notation."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.strftime("%d.%m.%Y")
    if isinstance(value, date):
        return value.strftime("%d.%m.%Y")
    return str(value)


def _decode(data: bytes) -> tuple[str, str]:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1"), "latin-1"


def _rows_from_csv(data: bytes) -> Iterator[tuple[int, list[str]]]:
    text, _encoding = _decode(data)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=";,\t")
    except csv.Error:
        dialect = csv.excel
        dialect.delimiter = ";" if text[:4096].count(";") >= text[:4096].count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    try:
        for values in reader:
            yield reader.line_num, values
    except csv.Error as exc:
        message = _("The CSV file could not be read (row %(line)d).") % {"line": reader.line_num}
        raise RecipientFileError(message) from exc


def _rows_from_xlsx(data: bytes) -> Iterator[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
    except Exception:  # noqa: BLE001 - openpyxl raises many kinds for a broken file
        raise RecipientFileError(_("The file could not be read as an Excel workbook (.xlsx)."))
    try:
        expected = 1
        for cells in sheet.iter_rows():
            number = next((c.row for c in cells if getattr(c, "row", None)), expected)
            expected = number + 1
            yield number, [_text(c.value) for c in cells]
    finally:
        workbook.close()


def _column_map(header: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for index, heading in enumerate(header):
        column = _LOOKUP.get(_heading(heading))
        if column and column not in found:
            found[column] = index
    has_name = "name" in found or "first_name" in found or "last_name" in found
    # No city column is fine: the city is looked up from the postcode.
    missing = [c for c in ("street", "postcode") if c not in found]
    if not has_name:
        missing.insert(0, "name")
    if missing:
        raise RecipientFileError(
            _(
                "The first row must name the columns. Missing: %(columns)s. Accepted headings are e.g. "
                "Navn (or Fornavn + Efternavn), Att., Adresse, Postnr., By, Telefon, E-mail, Antal, "
                "Hilsen, Kurv."
            )
            % {"columns": ", ".join(COLUMNS[c][0] for c in missing)}
        )
    return found


def _postcode(value: str) -> str:
    """Excel stores 0800 as the number 800 (format "0000" or General): pad it back.

    Danish postcodes below 1000 are 0800-0999, so exactly three digits are padded; "80" stays wrong.
    """
    value = value.replace(" ", "").upper().removeprefix("DK-").removeprefix("DK")
    if value.isascii() and value.isdigit() and len(value) == 3:
        return value.zfill(4)
    return value


def _check_city(row: RecipientRow) -> None:
    """Fill in a missing city from the postcode list; warn, never refuse, when they disagree."""
    official = postcode_city(row.postcode)
    if official is None:
        message = _("Postcode %(postcode)s is not in the Danish postcode list: check it.")
        row.warnings.append(message % {"postcode": row.postcode})
    elif not row.city:
        row.city = official
        row.warnings.append(_("City filled in from the postcode: %(city)s.") % {"city": official})
    elif not city_matches(row.postcode, row.city):
        row.warnings.append(
            _("Postcode %(postcode)s is %(official)s, not %(city)s: check the address.")
            % {"postcode": row.postcode, "official": official, "city": row.city}
        )


def recipients_parse(
    *, data: bytes, filename: str, basket_slugs: set[str] | None = None
) -> list[RecipientRow]:
    """Parse the file; every row comes back with its own errors (empty = fine)."""
    if len(data) > MAX_BYTES:
        raise RecipientFileError(_("The file is larger than 2 MB."))
    lower = filename.lower()
    if lower.endswith(".csv") or lower.endswith(".txt"):
        table = _rows_from_csv(data)
    elif lower.endswith(".xlsx"):
        table = _rows_from_xlsx(data)
    else:
        raise RecipientFileError(_("Upload a CSV file or an Excel workbook (.xlsx)."))

    columns = None
    rows = RecipientList()
    seen: dict[tuple, int] = {}
    labels = {
        "name": pgettext("recipient file", "name"),
        "street": pgettext("recipient file", "street"),
        "postcode": pgettext("recipient file", "postcode"),
        "city": pgettext("recipient file", "city"),
    }
    for scanned, (line, values) in enumerate(table, start=1):
        if scanned > MAX_SCANNED_ROWS:
            raise RecipientFileError(_("At most %(max)d recipients per order.") % {"max": MAX_ROWS})
        if not any(cell.strip() for cell in values):
            continue
        if columns is None:
            columns = _column_map(values)
            rows.header = list(values)
            continue
        if len(rows) >= MAX_ROWS:
            raise RecipientFileError(_("At most %(max)d recipients per order.") % {"max": MAX_ROWS})

        def cell(column, values=values, columns=columns):
            index = columns.get(column)
            return values[index].strip() if index is not None and index < len(values) else ""

        row = RecipientRow(line=line, raw=list(values))
        for column in ("attention", "street", "city", "phone", "email", "message", "basket"):
            setattr(row, column, cell(column))
        row.name = cell("name") or " ".join(p for p in (cell("first_name"), cell("last_name")) if p)
        row.postcode = _postcode(cell("postcode"))

        for column in SINGLE_LINE + ("message",):
            value = getattr(row, column, "") if column not in ("first_name", "last_name") else ""
            try:
                (validate_no_control_characters if column == "message" else validate_single_line)(value)
            except ValidationError as exc:
                row.errors.append(f"{labels.get(column, column)}: {' '.join(exc.messages)}")

        for column in ("name", "street", "postcode"):
            if not getattr(row, column):
                row.errors.append(_("Missing %(field)s.") % {"field": labels[column]})
        if row.postcode and not re.fullmatch(r"\d{4}", row.postcode):
            row.errors.append(_("The postcode must have 4 digits."))
        elif row.postcode:
            _check_city(row)
        if not row.city:
            row.errors.append(_("Missing %(field)s.") % {"field": labels["city"]})
        if row.email:
            try:
                validate_email(row.email)
            except ValidationError:
                row.errors.append(_("“%(email)s” is not an e-mail address.") % {"email": row.email})
        quantity = cell("quantity")
        if quantity:
            if quantity.isascii() and quantity.isdigit() and 1 <= int(quantity) <= MAX_QUANTITY_PER_ADDRESS:
                row.quantity = int(quantity)
            else:
                row.errors.append(
                    _("The number of baskets must be a whole number from 1 to %(max)d.")
                    % {"max": MAX_QUANTITY_PER_ADDRESS}
                )
        if row.basket and basket_slugs is not None and row.basket not in basket_slugs:
            row.errors.append(_("Unknown basket “%(basket)s”.") % {"basket": row.basket})
        key = (row.name.lower(), row.street.lower(), row.postcode)
        if all(key) and key in seen:
            row.errors.append(_("Same recipient as row %(line)d.") % {"line": seen[key]})
        elif all(key):
            seen[key] = line
        rows.append(row)

    if columns is None:
        raise RecipientFileError(_("The file is empty."))
    if not rows:
        raise RecipientFileError(_("The file has no recipients below the heading row."))
    return rows


def recipients_error_report(*, rows: RecipientList) -> list[list[str]]:
    """The file's own rows with the row number Excel shows and an error column, for download."""
    width = max([len(rows.header), *(len(row.raw) for row in rows)])
    table = [[_("Row"), *rows.header, *[""] * (width - len(rows.header)), _("Errors")]]
    for row in rows:
        problems = " ".join(row.errors + row.warnings)
        table.append([row.line, *row.raw, *[""] * (width - len(row.raw)), problems])
    return table

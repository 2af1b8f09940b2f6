"""The one CSV writer for every export: Danish Excel's dialect, and formula-safe.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is run as a
formula by Excel, LibreOffice and Google Sheets (OWASP "CSV injection"). Buyers choose
gift-basket names and vendors write product titles, so every cell that begins with one of
those characters gets a leading apostrophe, which the spreadsheet shows as text. Numbers
(int, Decimal) are written as they are: a negative amount is data, not a formula.
"""

import csv
import io
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")
DELIMITER = ";"  # what Danish Excel reads and writes ("CSV (semikolonsepareret)")


def csv_safe_cell(value: Any) -> str | int | Decimal:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, (int, Decimal)):
        return value
    text = str(value)
    if text.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


class SafeCsvWriter:
    """`csv.writer` with every cell made formula-safe; write to a file, response or buffer."""

    def __init__(self, stream, *, delimiter: str = DELIMITER):
        self._writer = csv.writer(stream, delimiter=delimiter)

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([csv_safe_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def csv_writer(stream, *, delimiter: str = DELIMITER) -> SafeCsvWriter:
    return SafeCsvWriter(stream, delimiter=delimiter)


def csv_bytes(rows: Iterable[Iterable[Any]], *, delimiter: str = DELIMITER) -> bytes:
    """UTF-8 with BOM, so Excel opens æøå correctly."""
    buffer = io.StringIO()
    csv_writer(buffer, delimiter=delimiter).writerows(rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def csv_response(rows: Iterable[Iterable[Any]], *, filename: str, delimiter: str = DELIMITER):
    from django.http import HttpResponse

    response = HttpResponse(csv_bytes(rows, delimiter=delimiter), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response

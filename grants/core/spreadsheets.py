"""Spreadsheet exports that a spreadsheet program never runs as formulas (CSV/formula injection).

Every export of the application (XLSX through openpyxl, CSV through the csv module) writes its
rows through this module. A text that starts with `=`, `+`, `-`, `@`, a tab or a carriage return
would be taken for a formula (by openpyxl, which stores a string starting with `=` as a formula,
and by Excel or LibreOffice when the cell is edited or a CSV is opened):

- in XLSX the cell is written as a string (`data_type` "s") with the *quote prefix* style, the
  flag Excel and LibreOffice set themselves when someone types `'=1+1`: the cell shows the text
  as it is (no apostrophe in its value) and stays text when edited;
- in CSV, which has no types, the text gets a leading apostrophe (OWASP's advice), which the
  spreadsheet programs hide and which keeps the rest of the text as it was.

Numbers, dates and money stay numbers and dates (only text is neutralised), so sums and formats
keep working.
"""
from __future__ import annotations

import csv
from datetime import date, datetime
from decimal import Decimal
from io import BytesIO, StringIO
from typing import Any, Iterable

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

#: a text starting with one of these is a formula (or becomes one) in a spreadsheet program
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIMETYPE = "text/csv; charset=utf-8"


def is_dangerous(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def csv_value(value: Any) -> Any:
    """A value for a CSV cell: a dangerous text gets a leading apostrophe; the rest is unchanged."""
    return "'" + value if is_dangerous(value) else value


def _plain(value: Any) -> Any:
    # the types openpyxl stores as such; anything else (an enum, a lazy translation) as its text
    if value is None or isinstance(value, (str, int, float, Decimal, date, datetime, bool)):
        return value
    return str(value)


def set_cell(ws: Worksheet, row: int, column: int, value: Any):
    """Writes one cell; a text is always a string cell, never a formula."""
    value = _plain(value)
    cell = ws.cell(row=row, column=column)
    cell.value = value  # openpyxl makes a text starting with "=" a formula here ...
    if isinstance(value, str):
        cell.data_type = "s"  # ... and this makes it text again
        if is_dangerous(value):
            cell.quotePrefix = True  # Excel/LibreOffice keep it text when the cell is edited
    return cell


def append_row(ws: Worksheet, values: Iterable[Any]) -> int:
    """`ws.append` that neutralises formulas; returns the row number written."""
    row = ws.max_row + 1 if ws.max_row > 1 or any(c.value is not None for c in ws[1]) else 1
    for column, value in enumerate(values, start=1):
        set_cell(ws, row, column, value)
    return row


def workbook(title: str, header: Iterable[Any]) -> tuple[Workbook, Worksheet]:
    """A new workbook with one sheet named `title` and its header row."""
    wb = Workbook()
    ws = wb.active
    ws.title = title
    append_row(ws, header)
    return wb, ws


def finish(ws: Worksheet, money_columns: Iterable[int] = (), date_columns: Iterable[int] = ()) -> None:
    """A sheet people read: the header row bold and frozen, columns as wide as their content,
    amounts as "1 234,56" (the reader's spreadsheet writes the separators of its language), dates as dates."""
    for cell in ws[1]:
        cell.font = Font(bold=True)
    ws.freeze_panes = "A2"
    for column in money_columns:
        for cell in ws[get_column_letter(column)][1:]:
            cell.number_format = '#,##0.00 "zł"'
    for column in date_columns:
        for cell in ws[get_column_letter(column)][1:]:
            cell.number_format = "dd.mm.yyyy"
    for i, column in enumerate(ws.iter_cols(min_row=1, max_row=min(ws.max_row, 500)), start=1):
        longest = max((len(str(c.value)) for c in column if c.value is not None), default=8)
        ws.column_dimensions[get_column_letter(i)].width = min(max(longest + 2, 10), 60)


def xlsx_bytes(wb: Workbook) -> BytesIO:
    buf = BytesIO()
    wb.save(buf)
    buf.seek(0)
    return buf


def csv_text(rows: Iterable[Iterable[Any]], **fmt) -> str:
    """Rows as CSV text with every dangerous cell neutralised."""
    out = StringIO()
    writer = csv.writer(out, **fmt)
    for row in rows:
        writer.writerow([csv_value(_plain(v)) for v in row])
    return out.getvalue()


def xlsx_rows(content: bytes) -> list[list]:
    """The first sheet's rows as values (imports read departments' lists through here, as exports
    write through the functions above)."""
    wb = load_workbook(BytesIO(content), read_only=True, data_only=True)
    try:
        return [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]
    finally:
        wb.close()

"""Cells for the CSV and XLSX files the app writes, made safe to open in a spreadsheet.

A spreadsheet reads text beginning =, +, -, @ (or a tab or carriage return before them) as a
formula, so a name someone typed — `=HYPERLINK("http://x","y")` — would run when a commissioner
opens the file. OWASP's advice is to prefix such text with a single quote, which spreadsheets show
as text. Numbers stay numbers, negative ones included, and so does text that is only a number
("+1.20", "-3"): a spreadsheet reads that as the number it is, which runs nothing.
"""
from __future__ import annotations

import re

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(\.[0-9]+)?")


def safe_cell(value):
    """The value to write: text that a spreadsheet would take for a formula gains a leading quote."""
    if isinstance(value, str) and value.startswith(TRIGGERS) and not PLAIN_NUMBER.fullmatch(value):
        return "'" + value
    return value


def safe_row(values) -> list:
    """A row for csv.writer or openpyxl: None as an empty cell, every other value made safe."""
    return ["" if value is None else safe_cell(value) for value in values]

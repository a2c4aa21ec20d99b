"""Catalogue files and checks shared by the importer tests (data layer and window)."""
from __future__ import annotations

import csv
import io
import hashlib
from pathlib import Path


def sha(path) -> str:
    """Digest of a file, to prove an expo file is byte for byte unchanged."""
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def write_rows(path: Path, header: list[str], rows) -> Path:
    """A CSV file (UTF-8) of ``header`` and ``rows``; its folder made if missing."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # Python 3.10's csv writer refuses a NUL character; written as 3.11 writes it (as it is,
    # unquoted), through a stand-in the data never holds.
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(header)
    w.writerows([[c.replace("\0", "\uffff") if isinstance(c, str) else c for c in row]
                 for row in rows])
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write(out.getvalue().replace("\uffff", "\0"))
    return path


def big_csv(path: Path, rows: int) -> Path:
    """A flat catalogue large enough that an import takes a moment (to cancel or kill it)."""
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["Company", "Booth", "Product", "Description"])
        for i in range(rows):
            w.writerow([f"Maker {i // 20}", f"1A{(i // 20) % 30:02d}", f"Tool {i}",
                        "a precise machine " * 6])
    return path

"""Copy the parts of the ETO supply-chain dataset that the program uses into db/seed/eto/.

Kept: input ids, names, types, stages, year, market-size text and source; providers; market
shares. Left out: the dataset's descriptive texts (the program shows its own words).
Usage: python scripts/import_eto.py [/path/to/eto-chip-explorer]
"""
import csv
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "data" / "eto-chip-explorer"
OUT = ROOT / "db" / "seed" / "eto"


def copy(name, columns):
    with open(SRC / name, newline="", encoding="utf-8") as fh, \
            open(OUT / name, "w", newline="", encoding="utf-8") as out:
        w = csv.writer(out)
        w.writerow(columns)
        for row in csv.DictReader(fh):
            w.writerow([row[c] for c in columns])


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    copy("inputs.csv", ["input_id", "input_name", "type", "stage_name", "year",
                        "market_share_chart_global_market_size_info", "market_share_chart_source"])
    copy("providers.csv", ["provider_name", "alias", "provider_id", "provider_type", "country"])
    copy("provision.csv", ["provider_name", "provider_id", "provided_name", "provided_id",
                           "share_provided", "year", "source"])
    shutil.copyfile(SRC / "LICENSE.md", OUT / "LICENSE.md")
    snapshot = (SRC / "SNAPSHOT.txt").read_text().strip()
    (OUT / "README.md").write_text(
        "# ETO Advanced Semiconductor Supply Chain Dataset (subset)\n\n"
        "Source: Emerging Technology Observatory (ETO), Center for Security and Emerging "
        "Technology (CSET), Georgetown University: https://eto.tech/dataset-docs/chipexplorer\n"
        "Licence: CC BY-NC 4.0, Creative Commons Attribution-NonCommercial 4.0 (see LICENSE.md).\n"
        f"Snapshot: {snapshot}\n\n"
        "Copied by `scripts/import_eto.py`: ids, names, years, market sizes, sources and market "
        "shares. The dataset's descriptive texts are not copied; the program describes inputs "
        "in its own words. Shares are percentages of the global market in the year given.\n",
        encoding="utf-8")


if __name__ == "__main__":
    main()

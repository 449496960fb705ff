"""Regenerate tests/resources/calendar_chris_es1_spans.csv from the bundled CHRIS ES1 file.

Run from the repository root, with the shared data beside it (``../shared/data``):

    .venv/bin/python tests/calendar/_make_chris_spans.py

The CSV keeps, for each ``inferred_contract`` label of
``futures/es_front_month_chris_cme_es1.csv`` (Quandl CHRIS/CME_ES1 via
marlowequart/covariance, see PROVENANCE.md there), the first and last date labelled with it,
the row count, and the settle on the last date. The labels are the data set's own (derived
by its curator from the third-Friday rule, not by hedgekit). The settle of the last date is
CHRIS's: from 2013 on it is off the 0.25 tick grid on expiry days because the final
settlement is the Special Opening Quotation of the index.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

SOURCE = Path("../shared/data/futures/es_front_month_chris_cme_es1.csv")
TARGET = Path("tests/resources/calendar_chris_es1_spans.csv")


def main() -> None:
    es = pd.read_csv(SOURCE, dtype={"date": str})
    spans = (
        es.groupby("inferred_contract", sort=False)
        .agg(
            first_date=("date", "first"),
            last_date=("date", "last"),
            rows=("date", "size"),
            last_settle=("settle", "last"),
        )
        .reset_index()
        .rename(columns={"inferred_contract": "contract"})
    )
    spans.to_csv(TARGET, index=False)


if __name__ == "__main__":
    main()

"""The Russian label columns of the real data package (issue 18): where they are, what they hold.

Every ``<column>_ru`` sits right after its English column, in the CSV and in datapackage.json,
and translates every row whose English cell is filled, so ``data.label_column(frame, column,
"ru")`` never fails for the columns the Russian edition shows.
"""

from __future__ import annotations

import json
import re

import pytest

from ctmodule import data
from ctmodule.paths import repo_root

DATA = repo_root() / "data"

# the free-text columns the pages show, per table; coded values and ids stay untranslated
SHOWN = {
    "events": ["actor", "title"],
    "cases": ["subject", "allegation", "outcome", "securitising_actor", "referent_object",
              "audience", "extraordinary_measure"],
    "claims": ["claimant", "claim"],
}
# a quotation keeps the language of the text it quotes
NEVER_TRANSLATED = {"claims": ["seed_quote"]}

CYRILLIC = re.compile(r"[А-Яа-яЁё]")


def _fields() -> dict[str, list[dict]]:
    package = json.loads((DATA / "datapackage.json").read_text(encoding="utf-8"))
    return {r["name"]: r["schema"]["fields"] for r in package["resources"]}


def _header(table: str) -> list[str]:
    with open(DATA / f"{table}.csv", encoding="utf-8") as fh:
        return fh.readline().rstrip("\n").split(",")


@pytest.mark.parametrize("table", sorted(_fields()))
def test_every_translation_column_follows_its_english_column(table):
    fields = [f["name"] for f in _fields()[table]]
    assert _header(table) == fields, f"data/{table}.csv: header differs from datapackage.json"
    for i, name in enumerate(fields):
        if name.endswith("_ru"):
            english = name[: -len("_ru")]
            assert english in fields, f"data/{table}.csv:{name}: no English column {english!r}"
            assert fields[i - 1] == english, (
                f"data/{table}.csv:{name}: placed after {fields[i - 1]!r}, not after {english!r}")


@pytest.mark.parametrize("table", sorted(SHOWN))
def test_the_shown_columns_have_a_russian_translation_of_every_row(table):
    frame = data.load(table)
    fields = {f["name"]: f for f in _fields()[table]}
    for column in SHOWN[table]:
        russian = data.label_column(frame, column, "ru", table=table)  # a gap raises, naming the line
        field = fields[f"{column}_ru"]
        assert field["type"] == "string"
        assert "Russian" in field["description"] and column in field["description"]
        filled = frame[column].notna() & (frame[column].astype(str).str.strip() != "")
        # a translation, not a copy: nearly every cell is written in Cyrillic (names such as
        # "Human Rights Watch" may stay in Latin script)
        cyrillic = russian[filled].astype(str).map(lambda s: bool(CYRILLIC.search(s)))
        assert cyrillic.mean() >= 0.9, (
            f"data/{table}.csv:{column}_ru: only {cyrillic.sum()} of {len(cyrillic)} cells in Cyrillic")
        # English never leaks into the English column
        assert not frame[column][filled].astype(str).map(lambda s: bool(CYRILLIC.search(s))).any()


@pytest.mark.parametrize("table", sorted(NEVER_TRANSLATED))
def test_quotations_keep_their_language(table):
    fields = [f["name"] for f in _fields()[table]]
    for column in NEVER_TRANSLATED[table]:
        assert f"{column}_ru" not in fields, f"data/{table}.csv: {column} is a quotation, not translated"

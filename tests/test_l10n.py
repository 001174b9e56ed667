"""The code's own messages (ctmodule.l10n) and their extraction (ctmodule.book.i18n.write_code_pot)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from ctmodule import l10n
from ctmodule.book import i18n


def _catalog(root: Path, lang: str, entries: list[tuple[str, str, bool]]) -> Path:
    catalog = Catalog(locale=lang)
    for msgid, msgstr, fuzzy in entries:
        catalog.add(msgid, msgstr, flags=("fuzzy",) if fuzzy else ())
    path = l10n.catalog_path(lang, root)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as fh:
        write_po(fh, catalog, width=76)
    return path


def test_marker_returns_its_argument():
    assert l10n.N_("Events per year") == "Events per year"


def test_translation_fuzzy_and_missing_messages(tmp_path):
    _catalog(tmp_path, "ru", [("Year", "Год", False), ("Events", "События", True), ("Empty", "", False)])
    assert l10n.gettext("Year", "ru", tmp_path) == "Год"
    assert l10n.gettext("Year", "en", tmp_path) == "Year"
    # fuzzy, empty and unknown messages stay English (the catalog check reports them)
    assert l10n.gettext("Events", "ru", tmp_path) == "Events"
    assert l10n.gettext("Empty", "ru", tmp_path) == "Empty"
    assert l10n.gettext("Not in the catalog", "ru", tmp_path) == "Not in the catalog"
    assert l10n.gettext("Year", "kk", tmp_path) == "Year"  # no catalog at all
    tr = l10n.translator("ru", tmp_path)
    assert tr("{count} events".replace("{count} events", "Year")) == "Год"


def test_a_changed_catalog_is_read_again(tmp_path):
    path = _catalog(tmp_path, "ru", [("Year", "Год", False)])
    assert l10n.gettext("Year", "ru", tmp_path) == "Год"
    _catalog(tmp_path, "ru", [("Year", "Годы", False)])
    import os
    os.utime(path, (path.stat().st_atime, path.stat().st_mtime + 5))
    assert l10n.gettext("Year", "ru", tmp_path) == "Годы"


def test_a_broken_catalog_names_its_file(tmp_path):
    path = l10n.catalog_path("ru", tmp_path)
    path.parent.mkdir(parents=True)
    path.write_text('msgid "Year"\nmsgstr "Год\n', encoding="utf-8")
    with pytest.raises(l10n.LocalisationError, match=str(path)):
        l10n.gettext("Year", "ru", tmp_path)


@pytest.mark.parametrize("bad", ["", "../ru", "ru/../../x", "RU RU", None])
def test_a_bad_language_code_is_an_error(bad):
    with pytest.raises(l10n.LocalisationError, match="not a language code"):
        l10n.gettext("Year", bad)


def test_localised_values_fall_back_to_the_source_language():
    assert l10n.localised({"en": "Ban", "ru": "Запрет"}, "ru") == "Запрет"
    assert l10n.localised({"en": "Ban", "ru": " "}, "ru") == "Ban"
    assert l10n.localised({"en": "Ban"}, "kk") == "Ban"
    assert l10n.localised("Ban", "ru") == "Ban"


def test_languages_are_the_source_then_each_catalog_folder(tmp_path):
    for lang in ("ru", "kk"):
        (tmp_path / "locales" / lang / "LC_MESSAGES").mkdir(parents=True)
    (tmp_path / "locales" / "README").mkdir()
    assert l10n.languages(tmp_path) == ["en", "kk", "ru"]


def test_extraction_finds_every_marked_message_with_file_and_line(tmp_path):
    pkg = tmp_path / "src" / "ctmodule" / "analysis"
    pkg.mkdir(parents=True)
    (tmp_path / "_config.yml").write_text("title: T\n", encoding="utf-8")
    (pkg / "x.py").write_text(textwrap.dedent('''\
        from ctmodule.l10n import N_, gettext
        TITLE = N_("Events per year")
        # Translators: the axis of a timeline
        AXIS = N_("Year")
        SAME = N_("Events per year")
        NOT_A_MESSAGE = "Not marked"
        def label(n, lang):
            return gettext(N_("{count} events"), lang).format(count=n)
        '''), encoding="utf-8")
    pot = i18n.write_code_pot(tmp_path, tmp_path / "_build" / "gettext")
    with pot.open("rb") as fh:
        catalog = read_po(fh)
    ids = [m.id for m in catalog if m.id]
    assert ids == ["Events per year", "Year", "{count} events"]
    events = catalog.get("Events per year")
    assert [line for _, line in events.locations] == [2, 5]
    assert events.locations[0][0].endswith("src/ctmodule/analysis/x.py")
    assert catalog.get("Year").auto_comments == ["the axis of a timeline"]


# --- labels from the data in each language (ctmodule.data.label_column) ---------------------

def test_label_column_gives_the_translated_column_and_names_a_gap():
    import pandas as pd

    from ctmodule.data import DataError, label_column

    frame = pd.DataFrame({"name": ["Ban", "Listing", None], "name_ru": ["Запрет", "Включение в перечень", None]})
    assert list(label_column(frame, "name", "en", table="t"))[:2] == ["Ban", "Listing"]
    assert list(label_column(frame, "name", "ru", table="t"))[:2] == ["Запрет", "Включение в перечень"]
    gap = frame.assign(name_ru=["Запрет", " ", None])
    with pytest.raises(DataError, match=r"data/t\.csv:3:name_ru: 1 row\(s\) have 'name' but no translation"):
        label_column(gap, "name", "ru", table="t")
    with pytest.raises(DataError, match=r"data/t\.csv:name_ru: no column 'name_ru'"):
        label_column(frame[["name"]], "name", "ru", table="t")
    with pytest.raises(DataError, match=r"data/t\.csv:title: no such column"):
        label_column(frame, "title", "ru", table="t")
    # a filtered frame does not know its lines: the message names the label instead
    with pytest.raises(DataError, match=r"data/t\.csv:name_ru: 1 row.*'Listing'"):
        label_column(gap.iloc[[1]], "name", "ru", table="t")

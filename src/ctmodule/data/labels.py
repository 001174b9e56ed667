"""Labels from the data in each language of the book: a ``<column>_<lang>`` column next to each
label column that a page shows (``name`` and ``name_ru`` in ``instruments.csv``, ``label`` and
``label_ru`` in ``elements.csv``).

:func:`label_column` gives the column a figure, a table or an explorer shows in the language asked
for. The English is the column itself. For another language the translated column must exist and
be filled wherever the English is: a gap is an error naming the file, the line and the column, not
an English label slipped into the Russian edition.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ctmodule.data.package import DataError
from ctmodule.l10n import SOURCE_LANGUAGE, check_language

if TYPE_CHECKING:  # pandas is imported where a frame is read, so ``import ctmodule`` stays cheap
    import pandas as pd


def translated_name(column: str, lang: str) -> str:
    """The name of ``column``'s translation into ``lang`` (``name`` -> ``name_ru``)."""
    return column if check_language(lang) == SOURCE_LANGUAGE else f"{column}_{lang}"


def label_column(frame: pd.DataFrame, column: str, lang: str = SOURCE_LANGUAGE, *,
                 table: str = "the table") -> pd.Series:
    """``frame[column]`` in ``lang``: the column itself in English, ``<column>_<lang>`` otherwise.

    ``table`` names the CSV file (``"instruments"`` for ``data/instruments.csv``) for the error
    messages. Rows keep the frame's index; a missing translated column, or a row whose English
    label is set but whose translation is empty, raises :class:`~ctmodule.data.package.DataError`.
    """
    if column not in frame.columns:
        raise DataError(f"data/{table}.csv", "no such column", column=column)
    target = translated_name(column, lang)
    if target == column:
        return frame[column]
    if target not in frame.columns:
        raise DataError(
            f"data/{table}.csv",
            f"no column {target!r}: the {lang!r} edition shows {column!r} and needs its translation "
            f"(add the column, and its field to data/datapackage.json)", column=target)
    english = frame[column]
    translated = frame[target]
    missing = english.notna() & (english.astype(str).str.strip() != "") & (
        translated.isna() | (translated.astype(str).str.strip() == ""))
    if missing.any():
        import pandas as pd

        first = missing[missing].index[0]
        # the line in the file (header = line 1) where the frame is the table as loaded
        plain = isinstance(frame.index, pd.RangeIndex) and frame.index.start == 0 and frame.index.step == 1
        line = int(first) + 2 if plain else None
        raise DataError(
            f"data/{table}.csv",
            f"{int(missing.sum())} row(s) have {column!r} but no translation "
            f"(the first: {str(english.loc[first])[:60]!r})", line=line, column=target)
    return translated.where(translated.notna(), english)

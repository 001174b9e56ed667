"""Shared fixtures of the unit tests."""

from __future__ import annotations

import pytest

#: Free-text columns whose Russian translations are being added to the data (issue 18), with what
#: stands in for them in the tests until they are there. Delete an entry once its column exists:
#: the fixture then changes nothing for it (the real column is used).
PENDING_RU = {
}


@pytest.fixture(scope="session")
def pending_ru_columns():
    """``data.load`` with a stand-in ``<column>_ru`` (``«перевод: N»``, one per distinct value) for each
    column of :data:`PENDING_RU` that the data does not translate yet; real columns are left alone."""
    from ctmodule import data

    real = data.load

    def load(name, *args, **kwargs):
        frame = real(name, *args, **kwargs)
        for column in PENDING_RU.get(name, ()):
            if column in frame.columns and f"{column}_ru" not in frame.columns:
                values = {v: f"«перевод {i}»" for i, v in enumerate(dict.fromkeys(frame[column].dropna()))}
                frame[f"{column}_ru"] = frame[column].map(values)
        return frame

    patch = pytest.MonkeyPatch()
    patch.setattr(data, "load", load)
    yield
    patch.undo()

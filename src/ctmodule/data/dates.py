"""Partial dates as the data package writes them: ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``,
with their precision; and the year of a date written in any of these forms."""

from __future__ import annotations

import calendar
import datetime as _dt
import re

PRECISIONS = ("year", "month", "day")
"""Precision values of a partial date, coarsest first."""

DATE_PATTERN = r"^\d{4}(-\d{2}(-\d{2})?)?$"
_DATE_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


def parse_partial_date(value: str) -> tuple[_dt.date, str]:
    """``"2019-11"`` -> ``(date(2019, 11, 1), "month")``; ValueError with a plain message if invalid."""
    m = _DATE_RE.match(value)
    if not m:
        raise ValueError(f'"{value}" is not a date: write YYYY, YYYY-MM or YYYY-MM-DD (e.g. 2019-11-19)')
    year, month, day = int(m.group(1)), m.group(2), m.group(3)
    if year < 1:
        raise ValueError(f'"{value}": there is no year 0000')
    if month is not None and not 1 <= int(month) <= 12:
        raise ValueError(f'"{value}": there is no month {month}')
    if day is not None:
        last = calendar.monthrange(year, int(month))[1]
        if not 1 <= int(day) <= last:
            raise ValueError(f'"{value}": {year}-{month} has no day {day} (it has {last} days)')
    precision = "day" if day else "month" if month else "year"
    return _dt.date(year, int(month or 1), int(day or 1)), precision


def check_precision(value: str, precision: str) -> str | None:
    """A message if the date's form disagrees with its stated precision, else None."""
    _, actual = parse_partial_date(value)
    if precision in PRECISIONS and precision != actual:
        return (
            f'date "{value}" has {actual} precision but the precision column says "{precision}"'
            f" (write {_precision_example(precision)})"
        )
    return None


def _precision_example(precision: str) -> str:
    return {"year": "YYYY", "month": "YYYY-MM", "day": "YYYY-MM-DD"}[precision]




_ISO_YEAR = re.compile(r"\s*(\d{4})")
_PLAUSIBLE_YEAR = re.compile(r"(1[89]\d\d|20\d\d)")


def year_of(value, *, anywhere: bool = False) -> int | None:
    """The year of a date, or ``None`` for a missing or unparsable value.

    ``anywhere=False`` (strict): the text must *start* with a four-digit year, as an ISO
    date of any precision does (``"1963"``, ``"1963-09"``, ``"1963-09-14"``; a range such as
    ``"2010-12-01/2010-12-02"`` gives its first year). ``anywhere=True`` (lenient, for
    free-text dates): a year from 1800 to 2099 found anywhere in the text is taken, so
    ``"circa 2019"`` gives 2019 where the strict reading gives ``None``.

    >>> year_of("2019-11-19"), year_of("2019"), year_of("2010-12-01/2010-12-02"), year_of("")
    (2019, 2019, 2010, None)
    >>> year_of("circa 2019"), year_of("circa 2019", anywhere=True)
    (None, 2019)
    """
    if value is None:
        return None
    if not isinstance(value, str | int):
        try:  # NaN, NaT, pd.NA
            if value != value or str(value) in {"<NA>", "NaT"}:
                return None
        except TypeError:  # pd.NA refuses to be compared
            return None
    text = str(value).strip()
    if not text or text.lower() in {"nan", "nat", "none", "<na>"}:
        return None
    if anywhere:
        match = _PLAUSIBLE_YEAR.search(text)
    else:
        match = _ISO_YEAR.match(text)
    return int(match.group(1)) if match else None

"""Multi-valued references (``source_id = "a;b"``) and the keys of the bibliography."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd


def split_refs(value: Any, separator: str = ";") -> list[str]:
    """``"a; b;c"`` -> ``["a", "b", "c"]``; empty or missing -> ``[]``."""
    if value is None or (isinstance(value, float) and value != value):
        return []
    if not isinstance(value, str):
        pd = sys.modules.get("pandas")  # pd.NA, NaT: only possible if pandas is loaded
        if pd is not None and pd.api.types.is_scalar(value) and pd.isna(value):
            return []
    return [part.strip() for part in str(value).split(separator) if part.strip()]


def explode_refs(df: pd.DataFrame, field: str = "source_id", separator: str = ";") -> pd.DataFrame:
    """One row per referenced id: a copy of ``df`` with ``field`` split and exploded."""
    out = df.copy()
    out[field] = out[field].map(lambda v: split_refs(v, separator))
    out = out.explode(field, ignore_index=True)
    return out[out[field].notna()].reset_index(drop=True)


def read_bib_keys(path: str | os.PathLike) -> set[str]:
    """The entry keys of a BibTeX file (``@comment``, ``@string``, ``@preamble`` skipped)."""
    text = Path(path).read_text(encoding="utf-8")
    keys = set()
    for m in re.finditer(r"@\s*(\w+)\s*[{(]\s*([^,\s{}()]+)\s*,", text):
        if m.group(1).lower() not in {"comment", "string", "preamble"}:
            keys.add(m.group(2))
    return keys



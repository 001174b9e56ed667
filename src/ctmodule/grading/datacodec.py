"""Values as data: the only thing that leaves a student's sandbox.

The sandbox runs a student's notebook and then describes the values of the names the tests use
in JSON, with a small set of tags for what JSON has no word for (tuples, sets, numbers that are not
finite, numpy scalars and arrays, pandas frames, series and indexes, dates, matplotlib axes). The
grader's judge, a fresh interpreter the student's code never touched, turns that description back
into plain values and runs the autograder's tests against them.

The format cannot carry code or behaviour: decoding builds only built-in types, numpy arrays of an
allowed dtype, pandas objects made from them, and the read-only *facts* of a plot (:class:`AxesFacts`:
title, labels, limits, bars, points, lines, tick labels, texts). A student object whose ``__eq__``
always answers ``True`` arrives as its class name and nothing else (:class:`Opaque`), so a test that
compares it fails. Functions arrive as :class:`Callable` markers; the judge calls them through the
sandbox with data in and data out (see :mod:`ctmodule.grading.judge`).

This module imports only the standard library at import time (numpy and pandas when there is
something of theirs to encode or decode), because it is also loaded inside the sandbox, where
``ctmodule`` itself is not installed.
"""

from __future__ import annotations

import datetime as _dt
import math

#: limits on what is accepted from a sandbox: nesting, number of elements, length of one string
MAX_DEPTH = 40
MAX_ITEMS = 2_000_000
MAX_STR = 5_000_000

_NUMERIC_KINDS = "biufcmM"  # bool, int, uint, float, complex, timedelta, datetime
_ALLOWED_DTYPES = {
    "bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
    "float16", "float32", "float64", "complex64", "complex128", "object",
    "datetime64[ns]", "datetime64[us]", "datetime64[ms]", "datetime64[s]", "datetime64[D]",
    "timedelta64[ns]", "timedelta64[us]", "timedelta64[ms]", "timedelta64[s]",
}
_PANDAS_EXTENSION = {"string", "boolean", "Int8", "Int16", "Int32", "Int64", "UInt8", "UInt16", "UInt32",
                     "UInt64", "Float32", "Float64", "category"}
#: modules a test may use through a student's alias (``pd``, ``np``): the judge imports its own copy
ALLOWED_MODULES = {"pandas", "numpy", "math", "statistics", "re", "datetime", "collections", "itertools",
                   "functools", "json", "matplotlib", "matplotlib.pyplot", "string", "operator", "decimal",
                   "fractions", "random", "textwrap"}


class CodecError(ValueError):
    """A description that is not well-formed data (from a broken or hostile sandbox)."""


# ---------------------------------------------------------------------------------------
# encoding (inside the sandbox)
# ---------------------------------------------------------------------------------------


class _Budget:
    def __init__(self) -> None:
        self.items = 0

    def take(self, n: int = 1) -> None:
        self.items += n
        if self.items > MAX_ITEMS:
            raise CodecError(f"more than {MAX_ITEMS} values")


def _type_name(obj) -> str:
    t = type(obj)
    return f"{getattr(t, '__module__', '?')}.{getattr(t, '__qualname__', t.__name__)}"[:200]


def encode(obj, *, _depth: int = 0, _budget: _Budget | None = None):
    """A JSON-ready description of ``obj`` (never raises for an unknown type: it becomes opaque)."""
    budget = _budget or _Budget()
    budget.take()
    if _depth > MAX_DEPTH:
        return {"__t": "opaque", "type": "too deeply nested"}
    t = type(obj)
    if obj is None or t is bool or t is str:
        if t is str and len(obj) > MAX_STR:
            return {"__t": "opaque", "type": "str longer than the limit"}
        return obj
    if t is int:
        if abs(obj) >= 2 ** 63:
            return {"__t": "bigint", "v": str(obj)} if obj.bit_length() < 10_000 else {"__t": "opaque", "type": "int"}
        return obj
    if t is float:
        return obj if math.isfinite(obj) else {"__t": "float", "v": repr(obj)}
    if t is complex:
        return {"__t": "complex", "re": encode(obj.real), "im": encode(obj.imag)}
    rec = lambda x: encode(x, _depth=_depth + 1, _budget=budget)  # noqa: E731
    if t is list:
        return [rec(x) for x in obj]
    if t is tuple:
        return {"__t": "tuple", "v": [rec(x) for x in obj]}
    if t in (set, frozenset):
        items = [rec(x) for x in obj]
        return {"__t": "set" if t is set else "frozenset", "v": items}
    if t is dict:
        return {"__t": "dict", "k": [rec(k) for k in obj.keys()], "v": [rec(v) for v in obj.values()]}
    if t is _dt.datetime:
        return {"__t": "datetime", "v": obj.isoformat()}
    if t is _dt.date:
        return {"__t": "date", "v": obj.isoformat()}
    if t is _dt.timedelta:
        return {"__t": "timedelta", "v": [obj.days, obj.seconds, obj.microseconds]}
    mod = getattr(t, "__module__", "") or ""
    if t.__name__ == "module" or (hasattr(obj, "__name__") and type(obj).__name__ == "module"):
        name = getattr(obj, "__name__", "")
        return {"__t": "module", "name": name if name in ALLOWED_MODULES else ""}
    if mod.startswith("numpy"):
        return _encode_numpy(obj, rec)
    if mod.startswith("pandas"):
        return _encode_pandas(obj, rec, budget)
    if mod.startswith("matplotlib"):
        if hasattr(obj, "get_title") and hasattr(obj, "patches"):
            return {"__t": "axes", "v": axes_facts(obj, rec)}
        if hasattr(obj, "get_axes") and hasattr(obj, "savefig"):
            return {"__t": "figure", "axes": [{"__t": "axes", "v": axes_facts(a, rec)} for a in obj.get_axes()],
                    "suptitle": _suptitle(obj)}
    if callable(obj):
        return {"__t": "callable", "type": _type_name(obj)}
    return {"__t": "opaque", "type": _type_name(obj)}


def _encode_numpy(obj, rec):
    import numpy as np

    if isinstance(obj, np.ndarray):
        dt = str(obj.dtype)
        if dt not in _ALLOWED_DTYPES and obj.dtype.kind not in "US":
            return {"__t": "opaque", "type": f"numpy array of {dt[:40]}"}
        if obj.dtype.kind in "US":
            return {"__t": "ndarray", "dtype": "str", "shape": list(obj.shape), "v": [rec(str(x)) for x in obj.ravel()]}
        if obj.dtype.kind in "mM":
            return {"__t": "ndarray", "dtype": dt, "shape": list(obj.shape),
                    "v": [int(x) for x in obj.ravel().view("int64")]}
        if obj.dtype.kind == "O":
            return {"__t": "ndarray", "dtype": "object", "shape": list(obj.shape), "v": [rec(x) for x in obj.ravel()]}
        return {"__t": "ndarray", "dtype": dt, "shape": list(obj.shape),
                "v": [_num(x) for x in obj.ravel().tolist()]}
    if isinstance(obj, np.generic):
        dt = str(obj.dtype)
        if dt not in _ALLOWED_DTYPES or dt == "object":
            if obj.dtype.kind in "US":
                return rec(str(obj))
            return {"__t": "opaque", "type": f"numpy {dt[:40]}"}
        if obj.dtype.kind in "mM":
            return {"__t": "npscalar", "dtype": dt, "v": int(obj.view("int64"))}
        return {"__t": "npscalar", "dtype": dt, "v": _num(obj.item())}
    return {"__t": "opaque", "type": _type_name(obj)}


def _num(x):
    if isinstance(x, bool) or isinstance(x, int):
        return x if abs(x) < 2 ** 63 else {"__t": "bigint", "v": str(x)}
    if isinstance(x, float):
        return x if math.isfinite(x) else {"__t": "float", "v": repr(x)}
    if isinstance(x, complex):
        return {"__t": "complex", "re": _num(x.real), "im": _num(x.imag)}
    return {"__t": "opaque", "type": type(x).__name__}


def _encode_array_like(values, rec, budget: _Budget):
    """A 1-D column (numpy array or pandas extension array) with its dtype."""
    import numpy as np
    import pandas as pd

    dtype = values.dtype
    dt = str(dtype)
    budget.take(len(values))
    if isinstance(dtype, pd.CategoricalDtype):
        return {"dtype": "category", "categories": _encode_array_like(np.asarray(dtype.categories), rec, budget),
                "ordered": bool(dtype.ordered), "codes": [int(c) for c in np.asarray(values.codes)]}
    if dt in _PANDAS_EXTENSION:
        na = np.asarray(pd.isna(values))
        return {"dtype": dt, "na": [bool(x) for x in na],
                "v": [None if m else rec(v.item() if hasattr(v, "item") else v) for v, m in zip(values, na, strict=True)]}
    if str(dtype).startswith("datetime64[ns, "):  # tz-aware
        return {"dtype": "datetimetz", "tz": str(dtype.tz), "v": [int(x) for x in np.asarray(values.asi8)]}
    arr = np.asarray(values)
    enc = _encode_numpy(arr, rec)
    if enc.get("__t") != "ndarray":
        return {"dtype": "object", "v": [rec(x) for x in arr.tolist()]}
    return {"dtype": enc["dtype"], "v": enc["v"]}


def _encode_index(idx, rec, budget: _Budget):
    import pandas as pd

    if isinstance(idx, pd.RangeIndex):
        return {"kind": "range", "start": idx.start, "stop": idx.stop, "step": idx.step, "name": rec(idx.name)}
    if isinstance(idx, pd.MultiIndex):
        return {"kind": "multi", "levels": [_encode_array_like(idx.get_level_values(i), rec, budget)
                                            for i in range(idx.nlevels)],
                "names": [rec(n) for n in idx.names]}
    return {"kind": "index", "col": _encode_array_like(idx.array if hasattr(idx, "array") else idx, rec, budget),
            "name": rec(idx.name)}


def _encode_pandas(obj, rec, budget: _Budget):
    import pandas as pd

    if isinstance(obj, pd.DataFrame):
        return {"__t": "frame", "columns": _encode_index(obj.columns, rec, budget),
                "index": _encode_index(obj.index, rec, budget),
                "data": [_encode_array_like(obj.iloc[:, i].array, rec, budget) for i in range(obj.shape[1])]}
    if isinstance(obj, pd.Series):
        return {"__t": "series", "index": _encode_index(obj.index, rec, budget), "name": rec(obj.name),
                "data": _encode_array_like(obj.array, rec, budget)}
    if isinstance(obj, pd.Index):
        return {"__t": "index", "v": _encode_index(obj, rec, budget)}
    if isinstance(obj, pd.Timestamp):
        return {"__t": "timestamp", "v": obj.isoformat()}
    if isinstance(obj, pd.Timedelta):
        return {"__t": "pdtimedelta", "v": int(obj.value)}
    if obj is pd.NaT:
        return {"__t": "nat"}
    if obj is pd.NA:
        return {"__t": "pdna"}
    if isinstance(obj, pd.Interval):
        return {"__t": "opaque", "type": "pandas.Interval"}
    return {"__t": "opaque", "type": _type_name(obj)}


def _text(x) -> str:
    try:
        s = x.get_text() if hasattr(x, "get_text") else str(x)
    except Exception:
        return ""
    return str(s)[:10_000]


def _floats(seq) -> list:
    out = []
    for v in seq:
        try:
            out.append(_num(float(v)))
        except (TypeError, ValueError):
            out.append(encode(v))
    return out


def _suptitle(fig) -> str:
    st = getattr(fig, "_suptitle", None)
    return _text(st) if st is not None else ""


def axes_facts(ax, rec=encode) -> dict:
    """The plain facts of a matplotlib Axes that tests may check: labels, limits, marks, texts."""
    import numpy as np

    def safe(f, default):
        try:
            return f()
        except Exception:
            return default

    patches = []
    for p in safe(lambda: list(ax.patches), []):
        if hasattr(p, "get_height") and hasattr(p, "get_x"):
            patches.append({"x": _num(float(p.get_x())), "y": _num(float(p.get_y())),
                            "width": _num(float(p.get_width())), "height": _num(float(p.get_height())),
                            "label": _text(safe(p.get_label, ""))})
        else:
            patches.append({"kind": type(p).__name__})
    collections = []
    for c in safe(lambda: list(ax.collections), []):
        offs = safe(lambda c=c: np.asarray(c.get_offsets(), dtype=float), np.zeros((0, 2)))
        collections.append({"offsets": [_floats(row) for row in offs.reshape(-1, offs.shape[-1] if offs.ndim > 1 else 2)],
                            "label": _text(safe(c.get_label, ""))})
    lines = []
    for line in safe(lambda: list(ax.lines), []):
        lines.append({"x": _floats(safe(lambda line=line: np.asarray(line.get_xdata()).ravel(), [])),
                      "y": _floats(safe(lambda line=line: np.asarray(line.get_ydata()).ravel(), [])),
                      "label": _text(safe(line.get_label, ""))})
    legend = safe(ax.get_legend, None)
    return {
        "title": {loc: _text(safe(lambda loc=loc: ax.get_title(loc=loc), "")) for loc in ("center", "left", "right")},
        "xlabel": _text(safe(ax.get_xlabel, "")), "ylabel": _text(safe(ax.get_ylabel, "")),
        "xlim": _floats(safe(ax.get_xlim, (0.0, 1.0))), "ylim": _floats(safe(ax.get_ylim, (0.0, 1.0))),
        "xticks": _floats(safe(ax.get_xticks, [])), "yticks": _floats(safe(ax.get_yticks, [])),
        "xticklabels": [_text(t) for t in safe(ax.get_xticklabels, [])],
        "yticklabels": [_text(t) for t in safe(ax.get_yticklabels, [])],
        "texts": [_text(t) for t in safe(lambda: list(ax.texts), [])],
        "legend": None if legend is None else [_text(t) for t in safe(legend.get_texts, [])],
        "patches": patches, "collections": collections, "lines": lines,
        "xscale": _text(safe(ax.get_xscale, "linear")), "yscale": _text(safe(ax.get_yscale, "linear")),
    }


# ---------------------------------------------------------------------------------------
# decoding (in the judge)
# ---------------------------------------------------------------------------------------


class Opaque:
    """A student value that could not be described as data; it equals nothing but itself."""

    __slots__ = ("type_name",)

    def __init__(self, type_name: str):
        self.type_name = str(type_name)[:200]

    def __repr__(self) -> str:
        return f"<a value of type {self.type_name} that cannot be passed to the tests>"

    def __eq__(self, other):
        return self is other

    __hash__ = object.__hash__

    def __bool__(self):
        raise TypeError(repr(self))


class Callable:
    """Marks a student function; the judge replaces it with a proxy that calls into the sandbox."""

    __slots__ = ("name", "type_name")

    def __init__(self, name: str, type_name: str):
        self.name, self.type_name = name, type_name


class _Text:
    def __init__(self, text: str):
        self._text = text

    def get_text(self) -> str:
        return self._text

    def __repr__(self) -> str:
        return f"Text({self._text!r})"


class _Rect:
    def __init__(self, d: dict):
        self._d = d

    def get_x(self):
        return self._d["x"]

    def get_y(self):
        return self._d["y"]

    def get_width(self):
        return self._d["width"]

    def get_height(self):
        return self._d["height"]

    def get_xy(self):
        return (self._d["x"], self._d["y"])

    def get_label(self):
        return self._d.get("label", "")


class _OtherPatch:
    def __init__(self, d: dict):
        self.kind = d.get("kind", "Patch")

    def __getattr__(self, name):
        raise AttributeError(f"the grader keeps only bars (rectangles) from a plot, not {self.kind}.{name}")


class _Collection:
    def __init__(self, d: dict):
        import numpy as np

        self._offsets = np.asarray(d.get("offsets") or np.zeros((0, 2)), dtype=float).reshape(-1, 2)
        self._label = d.get("label", "")

    def get_offsets(self):
        return self._offsets.copy()

    def get_label(self):
        return self._label


class _Line:
    def __init__(self, d: dict):
        import numpy as np

        self._x = np.asarray(d.get("x", []), dtype=float)
        self._y = np.asarray(d.get("y", []), dtype=float)
        self._label = d.get("label", "")

    def get_xdata(self, orig=True):
        return self._x.copy()

    def get_ydata(self, orig=True):
        return self._y.copy()

    def get_data(self, orig=True):
        return self._x.copy(), self._y.copy()

    def get_xydata(self):
        import numpy as np

        return np.column_stack([self._x, self._y])

    def get_label(self):
        return self._label


class _Legend:
    def __init__(self, texts: list):
        self._texts = [_Text(t) for t in texts]

    def get_texts(self):
        return list(self._texts)


class AxesFacts:
    """The facts of a student's plot, with the part of the matplotlib Axes API that tests read."""

    def __init__(self, d: dict):
        self._d = d
        self.patches = [_Rect(p) if "height" in p else _OtherPatch(p) for p in d.get("patches", [])]
        self.collections = [_Collection(c) for c in d.get("collections", [])]
        self.lines = [_Line(x) for x in d.get("lines", [])]
        self.texts = [_Text(t) for t in d.get("texts", [])]

    def __repr__(self) -> str:
        return f"<plot facts: title {self.get_title()!r}>"

    def get_title(self, loc: str = "center"):
        return self._d.get("title", {}).get(loc, "")

    def get_xlabel(self):
        return self._d.get("xlabel", "")

    def get_ylabel(self):
        return self._d.get("ylabel", "")

    def get_xlim(self):
        return tuple(self._d.get("xlim", (0.0, 1.0)))

    def get_ylim(self):
        return tuple(self._d.get("ylim", (0.0, 1.0)))

    def get_xticks(self):
        import numpy as np

        return np.asarray(self._d.get("xticks", []), dtype=float)

    def get_yticks(self):
        import numpy as np

        return np.asarray(self._d.get("yticks", []), dtype=float)

    def get_xticklabels(self, *args, **kwargs):
        return [_Text(t) for t in self._d.get("xticklabels", [])]

    def get_yticklabels(self, *args, **kwargs):
        return [_Text(t) for t in self._d.get("yticklabels", [])]

    def get_xscale(self):
        return self._d.get("xscale", "linear")

    def get_yscale(self):
        return self._d.get("yscale", "linear")

    def get_legend(self):
        legend = self._d.get("legend")
        return None if legend is None else _Legend(legend)

    def get_lines(self):
        return list(self.lines)

    def has_data(self):
        return bool(self.patches or self.collections or self.lines)


class FigureFacts:
    def __init__(self, axes: list, suptitle: str):
        self.axes = axes
        self._suptitle = suptitle

    def get_axes(self):
        return list(self.axes)

    def get_suptitle(self):
        return self._suptitle


def decode(obj, *, name: str = "", _depth: int = 0, _budget: _Budget | None = None):
    """Turn a description made by :func:`encode` back into a value (data only)."""
    budget = _budget or _Budget()
    budget.take()
    if _depth > MAX_DEPTH + 2:
        raise CodecError("nested too deeply")
    if obj is None or isinstance(obj, (bool, str)):
        if isinstance(obj, str) and len(obj) > MAX_STR:
            raise CodecError("string too long")
        return obj
    if isinstance(obj, int):
        return obj
    if isinstance(obj, float):
        return obj
    rec = lambda x: decode(x, _depth=_depth + 1, _budget=budget)  # noqa: E731
    if isinstance(obj, list):
        return [rec(x) for x in obj]
    if not isinstance(obj, dict):
        raise CodecError(f"unexpected {type(obj).__name__}")
    tag = obj.get("__t")
    if tag == "tuple":
        return tuple(rec(x) for x in _list(obj, "v"))
    if tag in ("set", "frozenset"):
        items = [rec(x) for x in _list(obj, "v")]
        try:
            return set(items) if tag == "set" else frozenset(items)
        except TypeError as exc:
            raise CodecError(f"unhashable set member: {exc}") from None
    if tag == "dict":
        keys, values = _list(obj, "k"), _list(obj, "v")
        if len(keys) != len(values):
            raise CodecError("dict with unequal keys and values")
        try:
            return {rec(k): rec(v) for k, v in zip(keys, values, strict=True)}
        except TypeError as exc:
            raise CodecError(f"unhashable dict key: {exc}") from None
    if tag == "float":
        v = obj.get("v")
        if v not in ("nan", "inf", "-inf"):
            raise CodecError("bad float")
        return float(v)
    if tag == "bigint":
        v = str(obj.get("v", ""))
        if len(v) > 4000 or not v.lstrip("-").isdigit():
            raise CodecError("bad integer")
        return int(v)
    if tag == "complex":
        return complex(_real(rec(obj.get("re"))), _real(rec(obj.get("im"))))
    if tag == "datetime":
        return _dt.datetime.fromisoformat(_str(obj, "v"))
    if tag == "date":
        return _dt.date.fromisoformat(_str(obj, "v"))
    if tag == "timedelta":
        d, s, us = (int(x) for x in _list(obj, "v")[:3])
        return _dt.timedelta(days=d, seconds=s, microseconds=us)
    if tag == "opaque":
        return Opaque(str(obj.get("type", "?")))
    if tag == "callable":
        return Callable(name, str(obj.get("type", "function")))
    if tag == "module":
        mod = str(obj.get("name", ""))
        if mod not in ALLOWED_MODULES:
            return Opaque("module")
        import importlib

        return importlib.import_module(mod)
    if tag == "axes":
        v = obj.get("v")
        if not isinstance(v, dict):
            raise CodecError("bad axes")
        return AxesFacts(_plain(v, budget))
    if tag == "figure":
        return FigureFacts([rec(a) for a in _list(obj, "axes")], str(obj.get("suptitle", "")))
    if tag == "npscalar":
        import numpy as np

        dt = _dtype(obj)
        if dt.startswith(("datetime64", "timedelta64")):
            return np.array([int(obj.get("v", 0))], dtype="int64").view(dt)[0]
        return np.array([_real_or_complex(rec(obj.get("v")))], dtype=dt)[0]
    if tag == "ndarray":
        return _ndarray(obj, rec, budget)
    if tag in ("frame", "series", "index", "timestamp", "pdtimedelta", "nat", "pdna"):
        return _decode_pandas(obj, tag, rec, budget)
    raise CodecError(f"unknown tag {str(tag)[:40]!r}")


def _list(obj: dict, key: str) -> list:
    v = obj.get(key)
    if not isinstance(v, list):
        raise CodecError(f"expected a list in {key!r}")
    return v


def _str(obj: dict, key: str) -> str:
    v = obj.get(key)
    if not isinstance(v, str) or len(v) > 100:
        raise CodecError(f"expected a short string in {key!r}")
    return v


def _real(x):
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        raise CodecError("expected a number")
    return x


def _real_or_complex(x):
    if isinstance(x, (bool, int, float, complex)):
        return x
    raise CodecError("expected a number")


def _plain(v, budget: _Budget, depth: int = 0):
    """Check that a facts dict holds only JSON scalars, lists and dicts with string keys."""
    budget.take()
    if depth > 8:
        raise CodecError("facts nested too deeply")
    if v is None or isinstance(v, (bool, int, float, str)):
        return v
    if isinstance(v, list):
        return [_plain(x, budget, depth + 1) for x in v]
    if isinstance(v, dict):
        if v.get("__t") == "float":
            return decode(v)
        if "__t" in v:
            return Opaque(str(v.get("type", "value")))
        return {str(k): _plain(x, budget, depth + 1) for k, x in v.items()}
    raise CodecError("bad facts")


def _dtype(obj: dict) -> str:
    dt = str(obj.get("dtype", ""))
    if dt not in _ALLOWED_DTYPES:
        raise CodecError(f"dtype {dt[:40]!r} is not allowed")
    return dt


def _ndarray(obj: dict, rec, budget: _Budget):
    import numpy as np

    shape = [int(x) for x in _list(obj, "shape")]
    values = _list(obj, "v")
    if any(s < 0 for s in shape) or math.prod(shape) != len(values):
        raise CodecError("array shape does not match its values")
    budget.take(len(values))
    if obj.get("dtype") == "str":
        return np.array([rec(x) for x in values], dtype=str).reshape(shape)
    dt = _dtype(obj)
    if dt.startswith(("datetime64", "timedelta64")):
        return np.array([int(x) for x in values], dtype="int64").view(dt).reshape(shape)
    if dt == "object":
        arr = np.empty(len(values), dtype=object)
        for i, x in enumerate(values):
            arr[i] = rec(x)
        return arr.reshape(shape)
    return np.array([_real_or_complex(rec(x)) for x in values], dtype=dt).reshape(shape)


def _decode_column(col: dict, rec, budget: _Budget):
    import numpy as np
    import pandas as pd

    if not isinstance(col, dict):
        raise CodecError("bad column")
    dt = str(col.get("dtype", ""))
    if dt == "category":
        cats = _decode_column(col.get("categories"), rec, budget)
        codes = [int(c) for c in _list(col, "codes")]
        return pd.Categorical.from_codes(codes, categories=pd.Index(cats), ordered=bool(col.get("ordered")))
    if dt in _PANDAS_EXTENSION:
        values = [None if x is None else rec(x) for x in _list(col, "v")]
        return pd.array(values, dtype=dt)
    if dt == "datetimetz":
        tz = _str(col, "tz")
        return pd.DatetimeIndex(np.array([int(x) for x in _list(col, "v")], dtype="int64").view("datetime64[ns]")
                                ).tz_localize("UTC").tz_convert(tz).array
    values = _list(col, "v")
    return _ndarray({"dtype": dt, "shape": [len(values)], "v": values}, rec, budget)


def _decode_index(d: dict, rec, budget: _Budget):
    import pandas as pd

    if not isinstance(d, dict):
        raise CodecError("bad index")
    kind = d.get("kind")
    if kind == "range":
        start, stop, step = (int(d.get(k, 0)) for k in ("start", "stop", "step"))
        if step == 0 or abs(stop - start) // abs(step) > MAX_ITEMS:
            raise CodecError("bad range index")
        return pd.RangeIndex(start, stop, step, name=rec(d.get("name")))
    if kind == "multi":
        levels = [_decode_column(c, rec, budget) for c in _list(d, "levels")]
        return pd.MultiIndex.from_arrays(levels, names=[rec(n) for n in _list(d, "names")])
    if kind == "index":
        col = _decode_column(d.get("col"), rec, budget)
        return pd.Index(col, name=rec(d.get("name")))
    raise CodecError("bad index kind")


def _decode_pandas(obj: dict, tag: str, rec, budget: _Budget):
    import pandas as pd

    if tag == "frame":
        columns = _decode_index(obj.get("columns"), rec, budget)
        index = _decode_index(obj.get("index"), rec, budget)
        data = [_decode_column(c, rec, budget) for c in _list(obj, "data")]
        if len(data) != len(columns) or any(len(c) != len(index) for c in data):
            raise CodecError("frame columns do not match their index")
        frame = pd.DataFrame({i: c for i, c in enumerate(data)}, index=index)
        frame.columns = columns
        return frame
    if tag == "series":
        index = _decode_index(obj.get("index"), rec, budget)
        data = _decode_column(obj.get("data"), rec, budget)
        if len(data) != len(index):
            raise CodecError("series values do not match its index")
        return pd.Series(data, index=index, name=rec(obj.get("name")))
    if tag == "index":
        return _decode_index(obj.get("v"), rec, budget)
    if tag == "timestamp":
        return pd.Timestamp(_str(obj, "v"))
    if tag == "pdtimedelta":
        return pd.Timedelta(int(obj.get("v", 0)))
    if tag == "nat":
        return pd.NaT
    return pd.NA

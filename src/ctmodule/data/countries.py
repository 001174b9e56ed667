"""Country codes (ISO 3166-1 alpha-3) in the data package, and hints for wrong ones.

A field marked ``"ctmodule:country": true`` holds the code of the state whose authorities
acted (``KAZ``, ``UZB``, ...); its ``enum`` lists the codes the table allows. When a cell is
not one of them, :func:`country_hint` says why and what to write instead, so that the
loader and ``ctmodule validate`` give the same advice.

>>> country_hint("KZ", ["KAZ", "UZB"])
' ("KZ" is an ISO 3166-1 alpha-2 code: use the alpha-3 code "KAZ")'
>>> country_hint("uzb", ["KAZ", "UZB"])
' (country codes are written in capitals: "UZB")'
"""

from __future__ import annotations

import re

# ISO 3166-1 codes of the states a reader is most likely to write in this package's tables:
# alpha-3 -> (alpha-2, English short name). Used only for hints; the field's enum decides.
_COUNTRIES = {
    "AFG": ("AF", "Afghanistan"),
    "CHN": ("CN", "China"),
    "KAZ": ("KZ", "Kazakhstan"),
    "KGZ": ("KG", "Kyrgyzstan"),
    "RUS": ("RU", "Russia"),
    "TJK": ("TJ", "Tajikistan"),
    "TKM": ("TM", "Turkmenistan"),
    "UZB": ("UZ", "Uzbekistan"),
}
ALPHA3 = re.compile(r"^[A-Z]{3}$")


def country_hint(cell, allowed: list) -> str:
    """Why a country cell is not allowed, and what to write instead (empty if nothing to say)."""
    value = "" if cell is None else str(cell)
    allowed = [str(a) for a in allowed]
    key = value.strip()
    if value in allowed:
        return ""
    if key != value and key in allowed:
        return f' (spaces around the code: write "{key}")'
    if key.upper() in allowed and key != key.upper():
        return f' (country codes are written in capitals: "{key.upper()}")'
    for alpha3, (alpha2, country) in _COUNTRIES.items():
        if key.upper() == alpha2:
            if alpha3 in allowed:
                return f' ("{key}" is an ISO 3166-1 alpha-2 code: use the alpha-3 code "{alpha3}")'
            return f' ("{key}" is the alpha-2 code of {country}, which this column does not allow)'
        if key.casefold() == country.casefold():
            if alpha3 in allowed:
                return f' (write the ISO 3166-1 alpha-3 code "{alpha3}", not the name)'
            return f" ({country} ({alpha3}) is not a state this column allows)"
    if ALPHA3.match(key):
        return (
            " (an alpha-3 code this column does not allow: if the state belongs in the table, "
            "add its code to the enum in datapackage.json)"
        )
    return " (write an ISO 3166-1 alpha-3 code: three capital letters)"

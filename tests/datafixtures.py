"""A small, valid data package built in a temporary folder, for the data tests.

It follows the conventions of the real ``data/datapackage.json`` (custom properties
``ctmodule:references``, ``ctmodule:date``, ``ctmodule:precision_field``,
``ctmodule:bibtex``) but holds invented rows, so the bad-input tests never depend
on the real data. ``build_package(tmp_path)`` returns the data folder
(``tmp_path/data``); ``references.bib`` sits beside it, as in the repository.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

DATE_PATTERN = r"^\d{4}(-\d{2}(-\d{2})?)?$"
REFS = {"resource": "sources", "field": "source_id", "separator": ";"}


def _source_ref(description="one or more source ids, separated by ;"):
    return {
        "name": "source_id",
        "type": "string",
        "description": description,
        "constraints": {"required": True},
        "ctmodule:references": REFS,
    }


DESCRIPTOR = {
    "name": "fixture-data",
    "title": "Fixture package",
    "profile": "tabular-data-package",
    "licenses": [{"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0"}],
    "resources": [
        {
            "name": "sources",
            "path": "sources.csv",
            "title": "Sources",
            "description": "Works that the other tables cite.",
            "profile": "tabular-data-resource",
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": "utf-8",
            "schema": {
                "fields": [
                    {
                        "name": "source_id",
                        "type": "string",
                        "description": "identifier",
                        "constraints": {"required": True, "unique": True, "pattern": "^[a-z0-9_]+$"},
                    },
                    {
                        "name": "type",
                        "type": "string",
                        "description": "kind of work",
                        "constraints": {"required": True, "enum": ["book", "article", "web"]},
                    },
                    {
                        "name": "author",
                        "type": "string",
                        "description": "author(s) | editors",
                        "constraints": {"required": True},
                    },
                    {
                        "name": "year",
                        "type": "integer",
                        "description": "year of publication",
                        "constraints": {"required": True},
                    },
                    {"name": "title", "type": "string", "constraints": {"required": True}},
                    {"name": "url", "type": "string"},
                    {
                        "name": "bib_key",
                        "type": "string",
                        "description": "key in references.bib",
                        "constraints": {"required": True},
                        "ctmodule:bibtex": "references.bib",
                    },
                ],
                "primaryKey": ["source_id"],
            },
        },
        {
            "name": "events",
            "path": "events.csv",
            "title": "Events",
            "description": "A timeline.",
            "profile": "tabular-data-resource",
            "format": "csv",
            "encoding": "utf-8",
            "schema": {
                "fields": [
                    {"name": "event_id", "type": "string", "constraints": {"required": True, "unique": True}},
                    {
                        "name": "date",
                        "type": "string",
                        "description": "partial ISO date",
                        "constraints": {"required": True, "pattern": DATE_PATTERN},
                        "ctmodule:date": True,
                        "ctmodule:precision_field": "date_precision",
                    },
                    {
                        "name": "date_precision",
                        "type": "string",
                        "constraints": {"required": True, "enum": ["day", "month", "year"]},
                    },
                    {
                        "name": "category",
                        "type": "string",
                        "constraints": {"required": True, "enum": ["law", "attack", "policy"]},
                    },
                    {"name": "title", "type": "string", "constraints": {"required": True}},
                    _source_ref(),
                ],
                "primaryKey": ["event_id"],
            },
        },
        {
            "name": "instruments",
            "path": "instruments.csv",
            "description": "Treaties.",
            "profile": "tabular-data-resource",
            "format": "csv",
            "encoding": "utf-8",
            "schema": {
                "fields": [
                    {
                        "name": "instrument_id",
                        "type": "string",
                        "constraints": {"required": True, "unique": True},
                    },
                    {"name": "short_name", "type": "string", "constraints": {"required": True}},
                    {
                        "name": "scope",
                        "type": "string",
                        "constraints": {"required": True, "enum": ["universal", "regional", "national"]},
                    },
                    {
                        "name": "adopted_date",
                        "type": "string",
                        "constraints": {"pattern": DATE_PATTERN},
                        "ctmodule:date": True,
                    },
                    _source_ref(),
                ],
                "primaryKey": ["instrument_id"],
            },
        },
        {
            "name": "claims",
            "path": "claims.csv",
            "description": "Claims of a seed text, checked.",
            "profile": "tabular-data-resource",
            "format": "csv",
            "encoding": "utf-8",
            "schema": {
                "fields": [
                    {"name": "claim_id", "type": "string", "constraints": {"required": True, "unique": True}},
                    {"name": "seed_source_id", "type": "string", "constraints": {"required": True}},
                    {"name": "claim", "type": "string", "constraints": {"required": True}},
                    {
                        "name": "status",
                        "type": "string",
                        "constraints": {"required": True, "enum": ["confirmed", "differs", "unverified"]},
                    },
                    {"name": "checked_against", "type": "string", "ctmodule:references": REFS},
                    {"name": "year", "type": "integer"},
                    _source_ref(),
                ],
                "primaryKey": ["claim_id"],
                "foreignKeys": [
                    {
                        "fields": ["seed_source_id"],
                        "reference": {"resource": "sources", "fields": ["source_id"]},
                    }
                ],
            },
        },
    ],
}

FILES = {
    "sources.csv": (
        "source_id,type,author,year,title,url,bib_key\n"
        'smith2001,book,"Smith, Anna",2001,A Book on Things,,Smith2001things\n'
        'jones2010,article,"Jones, Bob and Lee, Cy",2010,"An article, with a comma",'
        "https://example.org/a,Jones2010article\n"
        'un2006,web,United Nations,2006,"A web page\nover two lines",https://example.org/un,UN2006page\n'
    ),
    "events.csv": (
        "event_id,date,date_precision,category,title,source_id\n"
        "ev1,2001-09-11,day,attack,First event,smith2001\n"
        "ev2,2006-09,month,policy,Second event,un2006;jones2010\n"
        "ev3,2010,year,law,Third event,jones2010\n"
    ),
    "instruments.csv": (
        "instrument_id,short_name,scope,adopted_date,source_id\n"
        "i1,Convention A,universal,1999-12-09,un2006\n"
        "i2,Convention B,regional,2001-06,smith2001\n"
        "i3,Law C,national,,smith2001;un2006\n"
    ),
    "claims.csv": (
        "claim_id,seed_source_id,claim,status,checked_against,year,source_id\n"
        "c1,smith2001,The sky is blue,confirmed,jones2010,2001,smith2001\n"
        "c2,smith2001,The sea is green,differs,jones2010;un2006,,smith2001\n"
    ),
}

BIB = """@book{Smith2001things,
  author = {Smith, Anna},
  title = {{A Book on Things}},
  year = {2001},
  publisher = {Press},
}

@article{Jones2010article,
  author = {Jones, Bob and Lee, Cy},
  title = {{An article, with a comma}},
  journal = {Journal},
  year = {2010},
}

@misc{UN2006page,
  author = {{United Nations}},
  title = {{A web page}},
  year = {2006},
}
"""


def build_package(root: Path) -> Path:
    """Write the fixture package under ``root``; return its data folder."""
    root = Path(root)
    data = root / "data"
    data.mkdir(parents=True, exist_ok=True)
    (data / "datapackage.json").write_text(json.dumps(DESCRIPTOR, indent=2), encoding="utf-8")
    for name, text in FILES.items():
        (data / name).write_bytes(text.encode("utf-8"))
    (root / "references.bib").write_text(BIB, encoding="utf-8")
    return data


def fingerprint(root: Path) -> dict[str, str]:
    """SHA-256 of every file under ``root`` (to prove nothing was written)."""
    root = Path(root)
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def descriptor_copy() -> dict:
    return json.loads(json.dumps(DESCRIPTOR))

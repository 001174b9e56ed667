"""Load the module's data package (``data/``) as pandas DataFrames.

The package is a Frictionless *tabular data package*: ``data/datapackage.json``
describes each CSV table (its fields, types, allowed values, keys). This module
reads the tables with the types the schema declares, without importing
frictionless (the full check is ``ctmodule validate``, see :mod:`ctmodule.data.validate`)::

    from ctmodule import data
    events = data.load("events")          # one table
    tables = data.load_all()              # {name: DataFrame}
    data.sources_for(events.iloc[0])      # the works a row rests on
    data.citation_labels(events)          # "Brletich (2017); ..." per row
    data.label_column(instruments, "name", "ru", table="instruments")   # the name_ru column

What :func:`load` does with the schema, field by field:

- ``string`` -> pandas' text dtype ``str`` (an empty cell is missing: NaN);
- ``integer`` -> nullable ``Int64``; ``number`` -> ``Float64``; ``boolean`` -> ``boolean``;
- a field with an ``enum`` constraint -> ``Categorical`` with the schema's values as
  categories, in schema order (ordered for precision fields such as
  ``date_precision``, and for any field marked ``"ctmodule:ordered": true``);
- a partial date (``"ctmodule:date": true``: ``2019``, ``2019-11`` or ``2019-11-19``) is
  kept as its ISO string, and gains ``<field>_start`` (Timestamp of its first day) and,
  when the table has no precision column for it, ``<field>_precision``;
- a country (``"ctmodule:country": true``) is an ISO 3166-1 alpha-3 code such as ``KAZ``,
  one of the field's ``enum`` (so a ``Categorical`` like any other enum field);
- a multi-valued reference (``"ctmodule:references"``, e.g. ``source_id = "a;b"``) stays
  a string; :func:`split_refs` and :func:`explode_refs` split it.

The bilingual terminology of the translated editions (``locales/terminology.csv``) is read by
:mod:`ctmodule.data.terminology`.

A broken table raises :class:`DataError`, whose message names the file, the line
(as an editor numbers it, header = line 1) and the column.
"""

from __future__ import annotations

from ctmodule.data.countries import ALPHA3, country_hint
from ctmodule.data.dates import (
    DATE_PATTERN,
    PRECISIONS,
    check_precision,
    parse_partial_date,
    year_of,
)
from ctmodule.data.labels import label_column, translated_name
from ctmodule.data.package import (
    BIBTEX,
    COUNTRY,
    DATE,
    ORDERED,
    PRECISION,
    REFS,
    REQUIRED_IF,
    SAME_AS,
    WITHIN,
    DataError,
    Table,
    decode_utf8,
    fields_of,
    format_location,
    get_resource,
    load,
    load_all,
    precision_fields,
    primary_key,
    read_package,
    read_table,
    reference_fields,
    resolve_data_dir,
    resource_names,
    row_identifiers,
    table_col,
)
from ctmodule.data.refs import explode_refs, read_bib_keys, split_refs
from ctmodule.data.sources import SOURCE_COLUMNS, citation_labels, cite, label, sources_for, surname

__all__ = [
    "ALPHA3", "BIBTEX", "COUNTRY", "DATE", "DATE_PATTERN", "ORDERED", "PRECISION", "PRECISIONS", "REFS",
    "REQUIRED_IF", "SAME_AS", "SOURCE_COLUMNS", "WITHIN", "DataError", "Table", "check_precision", "cite",
    "citation_labels", "country_hint", "decode_utf8", "explode_refs",
    "fields_of", "format_location", "get_resource", "label", "label_column", "load", "load_all", "parse_partial_date",
    "precision_fields", "primary_key", "read_bib_keys", "read_package", "read_table", "reference_fields", "row_identifiers",
    "resolve_data_dir", "resource_names", "sources_for", "split_refs", "surname", "table_col", "translated_name", "year_of",
]

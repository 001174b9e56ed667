"""The editions in other languages: message catalogs, their check, and the build of each edition.

One set of sources, one build, several editions (English first; Russian; any language that has
catalogs under ``locales/``). ``ctmodule i18n`` (``make catalogs``, ``make book``) does:

- ``update``: extracts every translatable message of the book with Sphinx's gettext builder, from
  the same sources and the same configuration as the site (:func:`gettext_config`: one catalog per
  page, ``gettext_compact = False``; no UUIDs; each message with its source location), into
  ``_build/gettext/``, plus two catalogs of its own: ``_config``, for the strings of ``_config.yml``
  that a reader sees (the book's title, the search box, the footer), and ``_code``, for the
  strings the package's code writes on a page (figures, explorers, slides; marked ``N_("...")``,
  :mod:`ctmodule.l10n`); then sphinx-intl updates
  ``locales/<lang>/LC_MESSAGES/<page>.po`` for every language (new messages empty, changed ones
  fuzzy, vanished ones kept as obsolete ``#~`` entries).
- ``check``: every untranslated and every fuzzy message, with the ``.po`` file and line and the
  source it comes from; and whether the catalogs are stale (the English changed and ``update`` was
  not run): the messages are extracted again into a temporary folder and compared with the
  catalogs' msgids. ``--report`` prints the counts per catalog.
- ``build``: each edition's HTML (:func:`build_edition`) into ``_build/html/<lang>/``, from a
  generated ``_config.yml`` (``_build/i18n/<lang>/``: the site's, with ``language``,
  ``locale_dirs`` and the translated ``_config`` strings) with its own Sphinx environment and the
  site's execution cache (no notebook is executed again). When nothing it is built from changed
  (:func:`edition_digest`), Sphinx is not started at all.

What lands in the catalogs: the prose of every page, headings, captions, alt text, admonitions,
exercise and solution labels, the table of contents' captions, and the pages generated at build
time from data (glossary, data dictionary: their text is page text like any other). What does
not: code, code-cell outputs (:class:`KeepOutputs`: an output that must read differently by
language carries every language, :mod:`ctmodule.book.bilingual`) and the bibliography's entries,
which stay in their original language.

The same module is a Sphinx extension (listed in ``_config.yml``): :func:`setup` keeps outputs
out of the catalogs and puts the language switcher (``_templates/language-switcher.html``) on
every page of every edition, with relative links to the same page in each other language.
"""

from __future__ import annotations

import argparse
import gettext as gettext_module
import json
import os
import re
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from docutils import nodes
from docutils.transforms import Transform

from ctmodule import l10n
from ctmodule.l10n import N_
from ctmodule.paths import repo_root

#: The language the sources are written in; its edition is the site's root.
SOURCE_LANGUAGE = "en"
#: Where the catalogs live: ``locales/<lang>/LC_MESSAGES/<page>.po``.
LOCALES = "locales"
#: Where ``update`` extracts the templates (``.pot``).
GETTEXT_DIR = Path("_build") / "gettext"
#: The catalog of the reader-visible strings of ``_config.yml``.
CONFIG_DOMAIN = "_config"
#: Sphinx's settings for catalogs, the same for extraction and for every edition's build.
GETTEXT_SETTINGS = {
    "gettext_compact": False,  # one catalog per page
    "gettext_uuid": False,
    "gettext_location": True,  # each message says where it comes from
    "gettext_additional_targets": ["image"],  # alt text
    "locale_dirs": [LOCALES],
}
#: Where each edition's generated configuration and Sphinx environment live.
EDITIONS_DIR = Path("_build") / "i18n"


class I18nError(RuntimeError):
    """A catalog or an edition could not be made (the message says which and why)."""


def languages(root: Path) -> list[str]:
    """The languages with catalogs (``locales/<lang>/LC_MESSAGES/``), sorted."""
    folder = root / LOCALES
    if not folder.is_dir():
        return []
    return sorted(p.name for p in folder.iterdir() if (p / "LC_MESSAGES").is_dir())


def language_name(lang: str) -> str:
    """The language's name in that language ("English", "Русский", "Қазақ тілі")."""
    try:
        from babel import Locale

        name = Locale.parse(lang).get_display_name(lang) or lang
    except Exception:  # an unknown code: show the code
        return lang
    return name[:1].upper() + name[1:]


def _load_yaml(path: Path) -> dict:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise I18nError(f"{path}: cannot read: {exc}") from exc


def _copy(data):
    return json.loads(json.dumps(data))


# --- the strings of _config.yml ------------------------------------------------------------------

def config_messages(config: dict) -> list[tuple[str, str]]:
    """The reader-visible strings of ``_config.yml``: ``(where, text)``, ``where`` a dotted key."""
    found = []
    for key in ("title", "author"):  # the author is on the PDFs' title pages and the sites' footers
        if config.get(key):
            found.append((key, str(config[key])))
    footer = (config.get("html") or {}).get("extra_footer")
    if footer:
        found.append(("html.extra_footer", str(footer).strip()))
    options = ((config.get("sphinx") or {}).get("config") or {}).get("html_theme_options") or {}
    if options.get("search_bar_text"):
        found.append(("sphinx.config.html_theme_options.search_bar_text", str(options["search_bar_text"])))
    return found


def _line_of(text: str, needle: str) -> int:
    first = needle.strip().splitlines()[0] if needle.strip() else needle
    for number, line in enumerate(text.splitlines(), start=1):
        if first and first in line:
            return number
    return 1


def write_config_pot(root: Path, out: Path) -> Path:
    """Write ``_config.pot``: the strings of ``_config.yml`` with their lines."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    path = root / "_config.yml"
    text = path.read_text(encoding="utf-8")
    catalog = Catalog(project=str(_load_yaml(path).get("title", "")), fuzzy=False)
    location = os.path.relpath(path, out)
    for where, message in config_messages(_load_yaml(path)):
        catalog.add(message, locations=[(location, _line_of(text, message))], auto_comments=[where])
    out.mkdir(parents=True, exist_ok=True)
    target = out / f"{CONFIG_DOMAIN}.pot"
    with open(target, "wb") as fh:
        write_po(fh, catalog, width=76, omit_header=False, sort_output=False)
    return target


def code_messages(root: Path) -> list[tuple[str, int, str, list[str]]]:
    """The messages the package's code marks with ``N_("...")`` (:mod:`ctmodule.l10n`): ``(file,
    line, message, comments)``, ``file`` relative to ``root``. A ``# Translators:`` comment on
    the line above goes with the message."""
    from babel.messages.extract import extract_from_dir

    src = root / "src" / "ctmodule"
    if not src.is_dir():
        return []
    found = []
    for filename, lineno, message, comments, _context in extract_from_dir(
            str(src), method_map=[("**.py", "python")], keywords={"N_": None},
            comment_tags=("Translators:",), strip_comment_tags=True):
        if isinstance(message, str) and message.strip():
            found.append(((Path("src") / "ctmodule" / filename).as_posix(), lineno, message, list(comments)))
    return found


def write_code_pot(root: Path, out: Path) -> Path:
    """Write ``_code.pot``: the messages of the package's code (figures, explorers, slides), each
    with the file and line that mark it."""
    from babel.messages.catalog import Catalog
    from babel.messages.pofile import write_po

    from ctmodule.l10n import CODE_DOMAIN

    catalog = Catalog(project=str(_load_yaml(root / "_config.yml").get("title", "")), fuzzy=False)
    for filename, lineno, message, comments in code_messages(root):
        location = os.path.relpath(root / filename, out)
        existing = catalog.get(message)
        if existing is not None:
            existing.locations.append((location, lineno))
            existing.auto_comments.extend(c for c in comments if c not in existing.auto_comments)
        else:
            catalog.add(message, locations=[(location, lineno)], auto_comments=comments)
    out.mkdir(parents=True, exist_ok=True)
    target = out / f"{CODE_DOMAIN}.pot"
    with open(target, "wb") as fh:
        write_po(fh, catalog, width=76, omit_header=False, sort_output=False)
    return target


def translations(po_path: Path) -> dict[str, str]:
    """The translated, not fuzzy messages of a catalog (msgid -> msgstr); {} when there is none."""
    if not po_path.is_file():
        return {}
    catalog = read_catalog(po_path)
    return {m.id: m.string for m in catalog if m.id and isinstance(m.id, str) and m.string and not m.fuzzy}


# --- configuration of the builds -----------------------------------------------------------------

def _shared_cache(config: dict, root: Path) -> None:
    execute = config.setdefault("execute", {})
    if not execute.get("cache"):  # the site's execution cache (Jupyter Book's default place), shared
        execute["cache"] = str(root / "_build" / ".jupyter_cache")


def gettext_config(config: dict, root: Path) -> dict:
    """The site's configuration with the catalog settings, for the gettext builder."""
    config = _copy(config)
    _shared_cache(config, root)
    sphinx = config.setdefault("sphinx", {}).setdefault("config", {})
    sphinx.update(_copy(GETTEXT_SETTINGS))
    sphinx["language"] = SOURCE_LANGUAGE
    return config


def _quiet_outputs(config: dict) -> dict:
    """The gettext builder renders no output (they are not in the catalogs): no warning for them."""
    sphinx = config["sphinx"]["config"]
    sphinx["suppress_warnings"] = list(sphinx.get("suppress_warnings", [])) + ["mystnb.mime_priority"]
    return config


def _with_print_pages(config: dict, root: Path) -> dict:
    """The print edition's own pages (:data:`ctmodule.book.sources.PRINT_PAGES`, in no table of
    contents of the site) are read too, so that their text has catalogs like any page's: instead of
    "only the toc's files", every other file outside the toc is excluded by name."""
    from ctmodule.book.sources import PRINT_PAGES, outside_toc

    skip = list(config.get("exclude_patterns") or [])
    config["only_build_toc_files"] = False
    config["exclude_patterns"] = skip + outside_toc(root, _load_yaml(root / "_toc.yml"),
                                                    keep=list(PRINT_PAGES), skip=skip)
    return config


#: The date on the PDFs' title pages (Sphinx's ``today_fmt``: strftime codes, Sphinx's default in English).
# Translators: strftime codes (%d day, %-d day without a leading zero, %B month's name, %b its abbreviation, %Y year).
TODAY_FORMAT = N_("%b %d, %Y")


def edition_config(config: dict, root: Path, lang: str) -> dict:
    """The site's configuration for the edition in ``lang``: Sphinx's ``language`` (which also gives
    the theme's own interface strings in that language and ``<html lang>``), the catalogs, and the
    translated strings of ``_config.yml`` (an untranslated one stays as it is)."""
    config = gettext_config(config, root)
    sphinx = config["sphinx"]["config"]
    sphinx["language"] = lang
    from ctmodule.l10n import gettext

    sphinx.setdefault("today_fmt", gettext(TODAY_FORMAT, lang))
    done = translations(root / LOCALES / lang / "LC_MESSAGES" / f"{CONFIG_DOMAIN}.po")
    for key in ("title", "author"):
        if config.get(key):
            config[key] = done.get(str(config[key]), config[key])
    html = config.get("html") or {}
    if html.get("extra_footer"):
        footer = str(html["extra_footer"]).strip()
        html["extra_footer"] = done.get(footer, html["extra_footer"])
    options = sphinx.get("html_theme_options") or {}
    if options.get("search_bar_text"):
        options["search_bar_text"] = done.get(options["search_bar_text"], options["search_bar_text"])
    return config


def _write_config(config: dict, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "_config.yml"
    text = yaml.safe_dump(config, sort_keys=False, allow_unicode=True)
    if not path.is_file() or path.read_text(encoding="utf-8") != text:  # unchanged: left as it is
        path.write_text(text, encoding="utf-8")
    return path


def sphinx_build(root: Path, config_path: Path, outdir: Path, doctreedir: Path, *, builder: str,
                 strict: bool = True, quiet: bool = True) -> None:
    """Run Sphinx as ``jupyter-book build`` would, with this configuration and output folder."""
    from jupyter_book.sphinx import build_sphinx

    overrides = {"external_toc_path": (root / "_toc.yml").as_posix(), "latex_individualpages": False}
    if strict:
        overrides["nitpicky"] = True
    result = build_sphinx(str(root), str(outdir), noconfig=True, path_config=str(config_path),
                          confoverrides=overrides, builder=builder, doctreedir=str(doctreedir),
                          warningiserror=strict, keep_going=strict, quiet=quiet)
    if isinstance(result, Exception):
        raise I18nError(f"the {builder} build ({outdir}) failed: {result}") from result
    if result:
        raise I18nError(f"the {builder} build ({outdir}) failed with exit code {result}: see the messages above")


# --- catalogs --------------------------------------------------------------------------------

def extract(root: Path, out: Path | None = None, *, quiet: bool = True) -> Path:
    """Extract the book's messages into ``out`` (default ``_build/gettext``): one ``.pot`` per page
    and ``_config.pot``. The Sphinx environment is kept (``_build/i18n/gettext``), so extracting
    again after a small change reads only what changed."""
    out = out or root / GETTEXT_DIR
    config = _with_print_pages(_quiet_outputs(gettext_config(_load_yaml(root / "_config.yml"), root)), root)
    work = root / EDITIONS_DIR / "gettext"
    cfg = _write_config(config, work)
    if out.exists():  # a page removed since the last extraction must not leave its template
        shutil.rmtree(out)
    sphinx_build(root, cfg, out, work / ".doctrees", builder="gettext", strict=False, quiet=quiet)
    write_config_pot(root, out)
    write_code_pot(root, out)
    return out


def update(root: Path, langs: list[str], *, pot_dir: Path | None = None) -> dict:
    """Update (or create) the catalogs of ``langs`` from the templates (sphinx-intl)."""
    from sphinx_intl.basic import update as intl_update

    pot_dir = pot_dir or root / GETTEXT_DIR
    if not any(pot_dir.rglob("*.pot")):
        raise I18nError(f"{pot_dir}: no templates: run the extraction first")
    return intl_update(str(root / LOCALES), str(pot_dir), tuple(langs), line_width=76, jobs=1)



def read_catalog(path: Path):
    """A ``.po`` or ``.pot`` file as a Babel catalog; a broken file is an error naming it (and the
    line, where a string is not closed: Babel's reader would silently drop its last character)."""
    from ctmodule.l10n import LocalisationError
    from ctmodule.l10n import read_catalog as read_checked

    try:
        return read_checked(path)
    except LocalisationError as exc:
        raise I18nError(str(exc)) from exc


@dataclass
class Problem:
    kind: str  # "untranslated", "fuzzy", "stale", "broken"
    where: str  # "locales/ru/LC_MESSAGES/intro.po:12"
    message: str  # the msgid (shortened)
    source: str = ""  # "intro.md:3"

    def __str__(self) -> str:
        src = f" (source: {self.source})" if self.source else ""
        return f"{self.where}: {self.kind}: {self.message!r}{src}"


@dataclass
class CatalogCount:
    path: str
    total: int = 0
    translated: int = 0
    fuzzy: int = 0
    untranslated: int = 0
    verbatim: int = 0  # nothing to translate (numbers, citations, code)
    obsolete: int = 0


@dataclass
class CheckResult:
    problems: list[Problem] = field(default_factory=list)
    counts: list[CatalogCount] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _short(text) -> str:
    text = text[0] if isinstance(text, (tuple, list)) else str(text)
    text = " ".join(text.split())
    return text if len(text) <= 80 else text[:77] + "..."


def _source(location: tuple[str, int | None], pot_dir: Path, root: Path) -> str:
    file, line = location
    path = Path(os.path.normpath(pot_dir / file))
    try:
        shown = path.relative_to(root).as_posix()
    except ValueError:
        shown = file
    return f"{shown}:{line}" if line else shown


#: What a message may hold that is never translated: a citation role, inline code, a web address.
_VERBATIM = re.compile(r"\{cite(?::\w+)?\}`[^`]*`|``[^`]*``|`[^`]*`|https?://\S+")


def needs_translation(msgid) -> bool:
    """False for a message with no words once citations, code and addresses are set aside (a number
    in a table, a cell that only cites): it reads the same in every language, so an empty msgstr
    (Sphinx then shows the original) is not a gap."""
    text = msgid[0] if isinstance(msgid, (tuple, list)) else str(msgid)
    return bool(re.search(r"[^\W\d_]", _VERBATIM.sub(" ", text)))


def _translated(message, plurals: int) -> bool:
    if isinstance(message.id, (tuple, list)):  # plural forms: every one the language has
        strings = list(message.string) if isinstance(message.string, (tuple, list)) else [message.string]
        return len(strings) >= plurals and all(s and str(s).strip() for s in strings[:plurals])
    return bool(message.string and str(message.string).strip())


def check_catalog(path: Path, *, root: Path, pot_dir: Path) -> tuple[CatalogCount, list[Problem]]:
    """Count one catalog and list its untranslated and fuzzy messages (the header is not one)."""
    catalog = read_catalog(path)
    shown = _rel(path, root)
    count = CatalogCount(shown, obsolete=len(catalog.obsolete))
    problems = []
    for message in catalog:
        if not message.id:  # the header
            continue
        count.total += 1
        where = f"{shown}:{message.lineno}"
        source = _source(message.locations[0], pot_dir, root) if message.locations else ""
        if message.fuzzy:
            count.fuzzy += 1
            problems.append(Problem("fuzzy", where, _short(message.id), source))
        elif _translated(message, catalog.num_plurals):
            count.translated += 1
        elif not needs_translation(message.id):
            count.verbatim += 1
        else:
            count.untranslated += 1
            problems.append(Problem("untranslated", where, _short(message.id), source))
    return count, problems


def _rel(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)


def _msgids(catalog) -> set:
    """The messages that count for staleness: a message without words (a number, a citation) reads
    the same untranslated, so one that comes or goes (a count in a table) does not make a catalog
    stale."""
    return {m.id for m in catalog if m.id and needs_translation(m.id)}


def stale_problems(root: Path, lang: str, pot_dir: Path) -> list[Problem]:
    """How the catalogs of ``lang`` differ from freshly extracted templates in ``pot_dir``: a page
    without its catalog, a catalog without its page, a new message, a message gone (still active
    in the catalog rather than obsolete)."""
    folder = root / LOCALES / lang / "LC_MESSAGES"
    pots = {p.relative_to(pot_dir).with_suffix("").as_posix(): p for p in pot_dir.rglob("*.pot")}
    pos = {p.relative_to(folder).with_suffix("").as_posix(): p for p in folder.rglob("*.po")}
    problems = []
    for domain in sorted(set(pots) - set(pos)):
        problems.append(Problem("stale", _rel(folder / f"{domain}.po", root),
                                "no catalog for this page: run `make catalogs`"))
    for domain in sorted(set(pos) - set(pots)):
        problems.append(Problem("stale", _rel(pos[domain], root),
                                "the page is gone from the book: delete the catalog (or move its translations)"))
    for domain in sorted(set(pots) & set(pos)):
        pot, po = read_catalog(pots[domain]), read_catalog(pos[domain])
        new, old = _msgids(pot), _msgids(po)
        for msgid in sorted(new - old, key=str):
            m = pot.get(msgid)
            source = _source(m.locations[0], pot_dir, root) if m is not None and m.locations else ""
            problems.append(Problem("stale", _rel(pos[domain], root),
                                    f"new in the English, not in the catalog: {_short(msgid)}", source))
        for msgid in sorted(old - new, key=str):
            m = po.get(msgid)
            line = f":{m.lineno}" if m is not None else ""
            problems.append(Problem("stale", _rel(pos[domain], root) + line,
                                    f"no longer in the English: {_short(msgid)}"))
    return problems


def check(root: Path, langs: list[str] | None = None, *, stale: bool = True,
          pot_dir: Path | None = None) -> CheckResult:
    """Check the catalogs of ``langs`` (default: all): untranslated, fuzzy, and (``stale``) whether
    they match the sources. ``pot_dir``: templates already extracted (default: extract afresh into a
    temporary folder)."""
    langs = langs if langs is not None else languages(root)
    result = CheckResult()
    if not langs:
        result.problems.append(Problem("broken", LOCALES, "no catalogs: run `make catalogs`"))
        return result
    with tempfile.TemporaryDirectory(prefix="ctmodule-gettext-") as tmp:
        fresh = pot_dir
        if stale and fresh is None:
            fresh = extract(root, Path(tmp) / "gettext")
        location_base = root / GETTEXT_DIR  # the catalogs' locations are relative to it
        for lang in langs:
            folder = root / LOCALES / lang / "LC_MESSAGES"
            for po in sorted(folder.rglob("*.po")):
                try:
                    count, problems = check_catalog(po, root=root, pot_dir=location_base)
                except I18nError as exc:
                    result.problems.append(Problem("broken", _rel(po, root), str(exc)))
                    continue
                result.counts.append(count)
                result.problems += problems
            if stale and fresh is not None:
                result.problems += stale_problems(root, lang, fresh)
    return result


# --- the editions ---------------------------------------------------------------------------

def edition_dir(root: Path, lang: str) -> Path:
    """Where the edition in ``lang`` is served from: ``_build/html/<lang>/``."""
    return root / "_build" / "html" / lang


def mirror(src: Path, dst: Path) -> int:
    """Make ``dst`` a copy of ``src``: copy new and changed files, delete vanished ones; return how
    many files were copied (an unchanged edition costs a walk, no copying)."""
    copied = 0
    seen = set()
    dst.mkdir(parents=True, exist_ok=True)
    for path in src.rglob("*"):
        rel = path.relative_to(src)
        target = dst / rel
        seen.add(rel)
        if path.is_dir():
            target.mkdir(parents=True, exist_ok=True)
            continue
        st = path.stat()
        if target.is_file():
            tt = target.stat()
            if tt.st_size == st.st_size and tt.st_mtime_ns == st.st_mtime_ns:
                continue
        shutil.copy2(path, target)
        copied += 1
    for path in sorted(dst.rglob("*"), key=lambda p: len(p.parts), reverse=True):
        if path.relative_to(dst) not in seen:
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink()
    return copied


#: Besides the print edition's inputs (:data:`ctmodule.book.sources.INPUTS`), what an edition is built from.
EDITION_INPUTS = ["_templates", "_static", "requirements.txt", "constraints.txt"]


def edition_digest(root: Path, lang: str, config_text: str) -> str:
    """A digest of everything the edition in ``lang`` is built from: the sources and the package
    (as for the print edition), its catalogs, the templates, its generated configuration, the
    execution cache's record (a re-executed notebook changes it) and the PDFs the site links."""
    import hashlib

    from ctmodule.book.sources import inputs_digest

    h = hashlib.sha256(inputs_digest(root).encode() + b"\0" + config_text.encode())
    files = []
    for name in [*EDITION_INPUTS, f"{LOCALES}/{lang}"]:
        top = root / name
        files += [top] if top.is_file() else sorted(p for p in top.rglob("*") if p.is_file()) if top.is_dir() else []
    for f in files:
        if f.suffix != ".mo":  # compiled by the build itself
            h.update(str(f.relative_to(root)).encode() + b"\0" + f.read_bytes() + b"\0")
    # the execution cache by its records (which notebook, which code): its database file changes
    # on every build, which only reads it (jupyter-cache records when a record was last accessed)
    h.update(_cache_records(root).encode())
    for f in sorted((root / "_build" / "pdf").glob("*.pdf")):
        st = f.stat()
        h.update(f"{f.relative_to(root)}\0{st.st_size}\0{st.st_mtime_ns}\0".encode())
    return h.hexdigest()


def _cache_records(root: Path) -> str:
    """The execution cache's records, one line each (``pk hashkey notebook``); "" without a cache."""
    folder = root / "_build" / ".jupyter_cache"
    if not (folder / "global.db").is_file():
        return ""
    from jupyter_cache import get_cache

    records = get_cache(str(folder)).list_cache_records()
    return "\n".join(sorted(f"{r.pk} {r.hashkey} {r.uri}" for r in records))


def build_edition(root: Path, lang: str, *, strict: bool = True, quiet: bool = True, force: bool = False) -> dict:
    """Build the HTML edition in ``lang`` into ``_build/html/<lang>/``; return timings.

    Its own output folder and Sphinx environment (``_build/i18n/<lang>/``), the site's execution
    cache: a notebook is executed only when the English build has not cached it (its code changed).
    It is built beside the site, then mirrored into it: MyST-NB writes a build's notebook files
    next to its output folder, which must not be the site's own."""
    if lang == SOURCE_LANGUAGE:
        raise I18nError(f"{lang} is the source language: `jupyter-book build .` builds it")
    if not (root / LOCALES / lang / "LC_MESSAGES").is_dir():
        raise I18nError(f"{root / LOCALES / lang / 'LC_MESSAGES'}: no catalogs for {lang!r}")
    work = root / EDITIONS_DIR / lang
    t0 = time.monotonic()
    cfg = _write_config(edition_config(_load_yaml(root / "_config.yml"), root, lang), work)
    stamp = work / "inputs.sha256"
    digest = edition_digest(root, lang, cfg.read_text(encoding="utf-8")) + f" strict={strict}"
    if (not force and stamp.is_file() and stamp.read_text(encoding="utf-8").strip() == digest
            and (edition_dir(root, lang) / "index.html").is_file()):
        # nothing it is built from changed since the last build that passed: Sphinx is not started
        return {"lang": lang, "up_to_date": True, "sphinx_s": 0.0, "mirror_s": 0.0, "copied": 0,
                "check_s": round(time.monotonic() - t0, 2)}
    stamp.unlink(missing_ok=True)
    sphinx_build(root, cfg, work / "html", work / ".doctrees", builder="html", strict=strict, quiet=quiet)
    t1 = time.monotonic()
    copied = mirror(work / "html", edition_dir(root, lang))
    stamp.write_text(digest + "\n", encoding="utf-8")  # only a build that passed counts
    return {"lang": lang, "up_to_date": False, "sphinx_s": round(t1 - t0, 1),
            "mirror_s": round(time.monotonic() - t1, 1), "copied": copied}


# --- the Sphinx extension ----------------------------------------------------------------------

#: The switcher's look (in the same stylesheet as the multilingual outputs).
SWITCHER_CSS = """
/* the theme stacks the header's end items; the switcher sits beside the buttons */
.header-article-items__end { display: flex; align-items: center; flex-wrap: wrap; }
.ctmodule-language-switcher ul { display: flex; gap: 0.5rem; list-style: none; margin: 0 0 0 0.5rem; padding: 0; }
.ctmodule-language-switcher li { margin: 0; }
.ctmodule-language-current { font-weight: 600; }
.ctmodule-language-link { text-decoration: underline; }
.ctmodule-language-link:focus-visible { outline: 2px solid currentColor; outline-offset: 2px; }
"""


def _is_output(node) -> bool:
    return isinstance(node, nodes.container) and node.get("nb_element") == "cell_code_output"


def _mark_untranslatable(doctree) -> None:
    for container in doctree.findall(_is_output):
        for node in container.findall(nodes.Element):
            node["translatable"] = False
    for bib in doctree.findall(lambda n: type(n).__name__ == "bibliography"):
        for node in bib.findall(nodes.Element):
            node["translatable"] = False


def _give_sources(doctree) -> int:
    """A text inside a directive's nested content (a table in a ``{div}``) may have no
    ``source``, and Sphinx then treats it as a built-in message: never extracted, never
    translated. It gets the source and line of its nearest ancestor that has them."""
    fixed = 0
    for node in doctree.findall(nodes.TextElement):
        if node.source:
            continue
        parent = node.parent
        while parent is not None and not parent.source:
            parent = parent.parent
        if parent is not None:
            node.source = parent.source
            node.line = node.line or parent.line
            fixed += 1
    return fixed


class GiveSources(Transform):
    """Before Sphinx's translation transform (priority 20): every text has a source
    (:func:`_give_sources`), so the tables in the classroom handouts are translated."""

    default_priority = 14

    def apply(self, **kwargs) -> None:
        _give_sources(self.document)


class KeepOutputs(Transform):
    """Keep code-cell outputs and the bibliography out of the catalogs: their text is marked not
    translatable before Sphinx's own translation transform (priority 20).

    An output is computed, not written: the package gives it every language it needs
    (:mod:`ctmodule.book.bilingual`). Bibliography entries stay in their original language."""

    default_priority = 15

    def apply(self, **kwargs) -> None:
        _mark_untranslatable(self.document)


def _keep_outputs_resolved(app, doctree, docname) -> None:
    """For the catalogs, the rendered outputs are dropped from the tree the gettext builder reads
    (it writes no page from it). MyST-NB chooses an output's MIME type after reading (a
    post-transform): the gettext builder, which has no priority list of its own, would otherwise
    extract the Markdown view of an output (an explorer's description, the alt text of its image,
    a quiz for print); and an image's alt text is extracted even when marked not translatable."""
    if app.builder.name != "gettext":
        return
    for container in list(doctree.findall(_is_output)):
        container.parent.remove(container)
    for bib in list(doctree.findall(lambda n: type(n).__name__ == "bibliography")):
        bib.parent.remove(bib)


# --- Markdown outputs that carry every language (print views) ---------------------------------

def _render_language(renderer) -> str:
    env = getattr(getattr(renderer, "renderer", None), "sphinx_env", None)
    return str(getattr(getattr(env, "config", None), "language", None) or SOURCE_LANGUAGE).split("_")[0]


class LanguageMarkdown:
    """A MyST-NB output renderer (entry point ``myst_nb.mime_renderers``): a ``text/markdown``
    output that carries every language (:func:`ctmodule.book.bilingual.markdown_variants`, the
    quizzes' print views) is rendered in the edition's language only (the source language's part
    where it has none). Other Markdown is left to MyST-NB."""

    mime_priority_overrides: list = []

    @staticmethod
    def handle_mime(renderer, data, inline: bool):
        from dataclasses import replace

        from ctmodule.book.bilingual import markdown_variant

        if data.mime_type != "text/markdown":
            return None
        part = markdown_variant(data.string, _render_language(renderer))
        if part is None:
            return None
        one = replace(data, content=part)
        return renderer.render_markdown_inline(one) if inline else renderer.render_markdown(one)


# --- outputs glued once per language -------------------------------------------------------

def localised_key(key: str, lang: str | None, glued) -> str:
    """The glue key that the edition in ``lang`` pastes for ``key``: the variant that the notebook
    glued for ``lang`` (:func:`ctmodule.book.bilingual.variant_key`), else ``key`` itself (an output
    that reads the same in every language). ``glued``: the glued keys (a container). A key with a
    document (``path.ipynb::key``) keeps it."""
    from ctmodule.book.bilingual import variant_key

    if not lang or lang == SOURCE_LANGUAGE:
        return key
    if "::" in key:
        return key  # another page's output: its keys are not known while this page is read
    try:
        candidate = variant_key(key.strip(), lang)
    except ValueError:
        return key
    return candidate if candidate in glued else key


def _glued_keys(document) -> dict:
    renderer = document.get("nb_renderer") if hasattr(document, "get") else None
    try:
        return renderer.renderer.nb_client.glue_data
    except AttributeError:
        return {}


#: The class of the paragraph that carries a glued figure's alt text to the catalogs.
ALT_MESSAGE_CLASS = "ctmodule-alt-message"


def alt_message(alt: str, directive) -> nodes.paragraph:
    """A glued figure's alt text as a paragraph of the gettext builder's tree only (it writes no
    page): the text is a directive option, which Sphinx does not extract (its image messages are
    ``.. image::`` snippets naming the file, and a glued image's file differs by language and build)."""
    para = nodes.paragraph(alt, alt, classes=[ALT_MESSAGE_CLASS])
    directive.set_source_info(para)
    return para


def translate_message(env, message: str) -> str:
    """``message`` as the current page's catalog translates it (the catalog Sphinx's own
    translation of the page uses; the message itself where it has no translation)."""
    from sphinx.locale import init as init_locale
    from sphinx.util.i18n import docname_to_domain

    config = env.config
    dirs = [os.path.join(env.srcdir, d) for d in (config.locale_dirs or [])]
    catalog, has = init_locale(dirs, config.language, docname_to_domain(env.docname, config.gettext_compact))
    return catalog.gettext(message) if has else message


def localised_directive(base):
    """A subclass of MyST-NB's glue directive ``base`` that pastes the key's variant in the
    edition's language (``config.language``), where the notebook glued one, with its alt text
    from the page's catalog (for which the gettext builder extracts it: :func:`alt_message`)."""

    class Localised(base):
        def run(self):
            env = self.state.document.settings.env
            lang = getattr(env.config, "language", None)
            if self.arguments:
                self.arguments[0] = localised_key(self.arguments[0], lang, _glued_keys(self.state.document))
            alt = (self.options.get("alt") or "").strip() if hasattr(self, "options") else ""
            if alt and lang and lang != SOURCE_LANGUAGE:
                self.options["alt"] = translate_message(env, alt)
            result = super().run()
            if alt and getattr(getattr(env.app, "builder", None), "name", "") == "gettext":
                result.append(alt_message(alt, self))
            return result

    Localised.__name__ = Localised.__qualname__ = f"Localised{base.__name__}"
    Localised.__doc__ = f"{base.__name__}, pasting the variant glued for the edition's language."
    return Localised


def _localise_glue(app, config) -> None:
    """``{glue:figure}``, ``{glue:}`` and ``{glue:any}`` paste the output glued for the edition's
    language: one glued per language (:func:`ctmodule.book.figures.glue_figure`) is the figure or
    table in the language of the page, in the HTML and in the LaTeX build alike."""
    try:
        from myst_nb.ext.glue.directives import PasteAnyDirective, PasteFigureDirective
    except ImportError:  # a build without MyST-NB has no glue to paste
        return
    if "glue" not in app.registry.domains:  # MyST-NB is installed but not an extension of this build
        return
    for name, base in (("figure", PasteFigureDirective), ("", PasteAnyDirective), ("any", PasteAnyDirective)):
        app.add_directive_to_domain("glue", name, localised_directive(base), override=True)


def page_languages(app) -> list[str]:
    """The editions the switcher offers: the source language and every language with catalogs."""
    return [SOURCE_LANGUAGE, *[lang for lang in languages(Path(app.srcdir)) if lang != SOURCE_LANGUAGE]]


def switcher_links(pagename: str, current: str, langs: list[str], suffix: str = ".html") -> list[dict]:
    """The switcher's entries for one page: each language with a relative link to the same page in
    that edition (the source language at the site's root, the others in ``<lang>/``), so the links
    work from a server, from ``file://`` and from the unpacked zip."""
    current = current or SOURCE_LANGUAGE
    depth = pagename.count("/") + (0 if current == SOURCE_LANGUAGE else 1)
    up = "../" * depth
    links = []
    for lang in langs:
        prefix = "" if lang == SOURCE_LANGUAGE else f"{lang}/"
        links.append({"lang": lang, "name": language_name(lang), "current": lang == current,
                      "url": f"{up}{prefix}{pagename}{suffix}"})
    return links


def _on_page_context(app, pagename, templatename, context, doctree) -> None:
    if app.builder.format != "html":
        return
    langs = page_languages(app)
    current = app.config.language or SOURCE_LANGUAGE
    if len(langs) < 2:
        context["ctmodule_languages"] = []
        return
    context["ctmodule_languages"] = switcher_links(pagename, current, langs,
                                                   getattr(app.builder, "out_suffix", ".html"))


def _add_switcher(app, config) -> None:
    """The switcher sits in every page's header, after the theme's own buttons."""
    options = dict(config.html_theme_options or {})
    end = list(options.get("article_header_end") or ["article-header-buttons.html"])
    if "language-switcher.html" not in end:
        end.append("language-switcher.html")
    options["article_header_end"] = end
    config.html_theme_options = options


def _add_css(app, config) -> None:
    from ctmodule.book.bilingual import CSS_NAME

    app.add_css_file(CSS_NAME)


def _write_css(app, exception) -> None:
    """Write the stylesheet of the multilingual outputs for the languages of this book."""
    if exception is not None or app.builder.format != "html":
        return
    from ctmodule.book.bilingual import CSS_NAME, stylesheet

    target = Path(app.outdir) / "_static" / CSS_NAME
    target.parent.mkdir(parents=True, exist_ok=True)
    text = stylesheet(page_languages(app)) + SWITCHER_CSS
    if not target.is_file() or target.read_text(encoding="utf-8") != text:
        target.write_text(text, encoding="utf-8")


def relink_citations(doctree) -> int:
    """Give each in-text citation a unique id and each reference-list entry the back-links to them.

    Sphinx replaces a translated paragraph by a freshly parsed one: its citations get ids again,
    which can repeat ids elsewhere on the page, while the entries of the page's reference list keep
    the back-links to the English paragraph's citations, which no longer exist. Rebuilt here from
    what the page holds: each link to an entry comes from the citation that contains it. Returns
    the number of entries whose back-links changed."""
    from docutils import nodes

    document = doctree
    entries = {i: n for n in doctree.findall(nodes.citation) for i in n["ids"]}
    if not entries:
        return 0
    seen, done, found = set(), set(), {id_: [] for id_ in entries}
    for ref in doctree.findall(nodes.reference):
        target = ref.get("refid")
        if target not in entries:
            continue
        holder = ref.parent if isinstance(ref.parent, nodes.inline) else ref
        if id(holder) in done:  # a citation of several works: one id for all its links
            found[target].append(holder["ids"][0])
            continue
        done.add(id(holder))
        if not holder["ids"] or holder["ids"][0] in seen or holder["ids"][0] in entries:
            n = len(seen) + 1
            while f"cite-{n}" in seen or f"cite-{n}" in document.ids:
                n += 1
            holder["ids"] = [f"cite-{n}"]
        seen.add(holder["ids"][0])
        found[target].append(holder["ids"][0])
    changed = 0
    for id_, node in entries.items():
        backrefs = found[id_]
        if node.get("backrefs") != backrefs:
            node["backrefs"] = backrefs
            changed += 1
    return changed


def _relink_citations(app, doctree, docname):
    if app.config.language and str(app.config.language).split("_")[0] != "en":
        relink_citations(doctree)


# --- strings of other extensions -------------------------------------------------------------

#: strings that the book's Sphinx extensions write on a page and their own catalogs lack in some
#: language (sphinx-exercise has no Russian "Solution"): translated from ``_code.po``, where
#: ``make catalogs`` extracts them, as a fallback behind the extension's own catalog
EXTENSION_MESSAGES = {
    "exercise": [N_("Solution"), N_("Solution to"), N_("Exercise")],
}
#: configuration values that are text on a page (myst-nb's toggle of a hidden cell), translated
#: from ``_code.po`` in an edition in another language
CONFIG_TEXTS = {
    "nb_code_prompt_show": N_("Show code cell {type}"),
    "nb_code_prompt_hide": N_("Hide code cell {type}"),
}


class _CodeCatalog(gettext_module.NullTranslations):
    """A gettext translations object reading ``_code.po`` (:func:`ctmodule.l10n.gettext`)."""

    def __init__(self, lang: str, root: Path):
        super().__init__()
        self.lang, self.root = lang, root

    def gettext(self, message):
        return l10n.gettext(message, self.lang, self.root)

    def ngettext(self, singular, plural, n):
        return self.gettext(singular if n == 1 else plural)


def _translate_extension_strings(app, config) -> None:
    """In an edition in another language: the extensions' missing strings, and the text
    configuration values, in its language."""
    from sphinx import locale as sphinx_locale

    lang = (config.language or l10n.SOURCE_LANGUAGE).split("_")[0]
    if lang == l10n.SOURCE_LANGUAGE:
        return
    root = Path(app.srcdir)  # the book's folder, with locales/ (the edition's config is elsewhere)
    for name, text in CONFIG_TEXTS.items():
        if name in config.values and getattr(config, name) == text:
            setattr(config, name, l10n.gettext(text, lang, root))
    for catalog in EXTENSION_MESSAGES:
        key = ("general", catalog)
        current = sphinx_locale.translators.get(key)
        ours = _CodeCatalog(lang, root)
        if current is None or type(current) is gettext_module.NullTranslations:
            sphinx_locale.translators[key] = ours
        else:
            current.add_fallback(ours)


def adopt_translated_nodes(doctree) -> int:
    """Sphinx's translation parses every message's translation as a small document of its own,
    and the nodes it moves into the page keep a reference to that document (with its settings):
    pickled with the page, the thousands of them made each Russian doctree some 13 times the
    English one's size, and every cross-reference to a figure unpickles a whole doctree again.
    They are made the page's own (a node without its own reference uses its parent's). Returns
    how many nodes had another document."""
    moved = 0
    for node in doctree.findall(include_self=False):
        own = node.__dict__.get("_document")
        if own is not None and own is not doctree:
            node._document = doctree
            moved += 1
    return moved


def _adopt_translated_nodes(app, doctree) -> None:
    adopt_translated_nodes(doctree)


def setup(app):
    app.add_transform(GiveSources)
    app.add_transform(KeepOutputs)
    # after the extensions have added their catalogs (config-inited runs once all are set up)
    app.connect("config-inited", _translate_extension_strings, priority=900)
    app.connect("doctree-read", _adopt_translated_nodes)
    app.connect("doctree-resolved", _relink_citations)
    app.connect("doctree-resolved", _keep_outputs_resolved)
    app.connect("config-inited", _add_switcher)
    app.connect("config-inited", _add_css)
    app.connect("config-inited", _localise_glue)
    app.connect("build-finished", _write_css)
    app.connect("html-page-context", _on_page_context)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}


# --- the command ---------------------------------------------------------------------------

def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=["update", "check", "build"],
                        help="update: extract the messages and update the catalogs; check: list untranslated, "
                             "fuzzy and stale messages (fails on any); build: build each edition's HTML")
    parser.add_argument("--root", type=Path, default=None, help="the book's folder (default: this repository)")
    parser.add_argument("--lang", action="append", default=None,
                        help="a language (repeatable; default: every language under locales/; "
                             "`update --lang kk` starts a new one)")
    parser.add_argument("--report", action="store_true", help="check: print the counts per catalog")
    parser.add_argument("--no-stale", action="store_true",
                        help="check: skip the comparison with freshly extracted messages (faster)")
    parser.add_argument("--no-strict", action="store_true", help="build: do not treat warnings as errors")
    parser.add_argument("--force", action="store_true", help="build: rebuild even when no input changed")
    parser.add_argument("--verbose", action="store_true", help="show Sphinx's messages")


def report_lines(result: CheckResult) -> list[str]:
    """The counts per catalog, as a table."""
    cols = ("total", "translated", "fuzzy", "untranslated", "verbatim", "obsolete")
    width = max([len(c.path) for c in result.counts] + [7])
    lines = [f"{'catalog':<{width}}  " + "  ".join(f"{c:>12}" for c in cols)]
    totals = CatalogCount("total")
    for c in result.counts:
        lines.append(f"{c.path:<{width}}  " + "  ".join(f"{getattr(c, k):>12}" for k in cols))
        for k in cols:
            setattr(totals, k, getattr(totals, k) + getattr(c, k))
    lines.append(f"{'total':<{width}}  " + "  ".join(f"{getattr(totals, k):>12}" for k in cols))
    return lines


def run(args: argparse.Namespace) -> int:
    root = (args.root or repo_root()).resolve()
    quiet = not args.verbose
    try:
        if args.action == "update":
            langs = args.lang or languages(root)
            if not langs:
                raise I18nError("no language given and none under locales/: use --lang ru")
            out = extract(root, quiet=quiet)
            status = update(root, langs, pot_dir=out)
            print(f"ctmodule i18n: catalogs of {', '.join(langs)}: {status['create']} created, "
                  f"{status['update']} updated, {status['notchanged']} unchanged", file=sys.stderr)
            return 0
        if args.action == "check":
            result = check(root, args.lang, stale=not args.no_stale)
            if args.report:
                print("\n".join(report_lines(result)))
            for problem in result.problems:
                print(f"ctmodule i18n: {problem}", file=sys.stderr)
            kinds = {}
            for p in result.problems:
                kinds[p.kind] = kinds.get(p.kind, 0) + 1
            if result.problems:
                print("ctmodule i18n: " + ", ".join(f"{n} {k}" for k, n in sorted(kinds.items())), file=sys.stderr)
                return 1
            print("ctmodule i18n: every message translated, none fuzzy, catalogs up to date", file=sys.stderr)
            return 0
        langs = args.lang or languages(root)
        for lang in langs:
            timing = build_edition(root, lang, strict=not args.no_strict, quiet=quiet, force=args.force)
            where = edition_dir(root, lang).relative_to(root)
            if timing["up_to_date"]:
                print(f"ctmodule i18n: {lang} edition in {where}: up to date (no input changed since the "
                      f"last build that passed)", file=sys.stderr)
            else:
                print(f"ctmodule i18n: {lang} edition in {where} (Sphinx {timing['sphinx_s']} s, "
                      f"{timing['copied']} files copied)", file=sys.stderr)
        return 0
    except I18nError as exc:
        print(f"ctmodule i18n: {exc}", file=sys.stderr)
        return 1

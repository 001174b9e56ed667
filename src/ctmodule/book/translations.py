"""Translated quizzes and glossaries, checked against the English files they translate.

A translation lives beside its source in a folder named for the language:
``quizzes/<chapter>.<lang>.json`` translates ``quizzes/<chapter>.json`` and
``glossary/<lang>/<chapter>.yml`` translates ``glossary/<chapter>.yml``.

- A translated **quiz** has the English file's structure exactly: the same questions in the same
  order, with the same ``type``, ``kind`` and ``precision``, and the same answers in the same order
  with the same ``correct``, ``type``, ``value`` and ``range``. Only the text fields (``question``,
  ``answer``, ``feedback`` and any other string) are translated, and each must be non-empty and
  written in the target script (Cyrillic for Russian) unless the English has no words (``"46"``).
- A translated **glossary** has the same entries in the same order; each has ``en`` (the English
  ``term`` it translates), ``term`` and ``definition`` in the target language and optional ``aliases``.

:func:`quiz_problems` and :func:`glossary_problems` list what is wrong (empty when the translation is
sound), naming the file and the question, answer or entry. :func:`quiz_inconsistencies` and
:func:`glossary_inconsistencies` run the terminology check
(:func:`ctmodule.data.terminology.find_inconsistencies`) unit by unit: a term of the English question
(with its answers and feedback) or entry whose Russian rendering is not in its translation.

:func:`catalog_inconsistencies` does the same for the book's gettext catalogs, message by message.
``ctmodule check-translations [--lang ru]`` runs all of it (the terminology table, the quizzes, the
glossaries and any ``locales/<lang>/LC_MESSAGES/*.po``) and exits non-zero on any problem, naming the
file and the question, entry or line.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml

from ctmodule.data import terminology
from ctmodule.paths import repo_root

#: fields whose values are data, not text: they must be equal in a translation
QUIZ_DATA_FIELDS = ("type", "kind", "precision", "correct", "value", "range")
SCRIPTS = {"ru": re.compile(r"[А-Яа-яЁё]"), "kk": re.compile(r"[А-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі]")}


def translation_path(english: str | Path, lang: str) -> Path:
    """``quizzes/x.ru.json`` for ``quizzes/x.json`` (the quiz loader's naming, ctmodule.book.quiz);
    ``glossary/ru/x.yml`` for ``glossary/x.yml``."""
    english = Path(english)
    if english.suffix == ".json":
        return english.with_name(f"{english.stem}.{lang}.json")
    return english.parent / lang / english.name


def english_files(kind: str, root: str | Path | None = None) -> list[Path]:
    """The English quiz (``kind="quizzes"``) or glossary (``"glossary"``) files."""
    root = Path(root) if root is not None else repo_root()
    pattern = {"quizzes": "*.json", "glossary": "*.yml"}[kind]
    return sorted(p for p in (root / kind).glob(pattern) if "." not in p.stem)  # not x.ru.json


def _read(path: Path):
    text = path.read_text(encoding="utf-8")
    return json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)


def _script(lang: str) -> re.Pattern:
    try:
        return SCRIPTS[lang]
    except KeyError:
        raise ValueError(f"no script check for language {lang!r}; add it to SCRIPTS") from None


def _text_problems(value, where: str, lang: str, english: str | None = None) -> list[str]:
    """A translated text must be non-empty and, where the English has words, written in ``lang``'s script."""
    if not isinstance(value, str) or not value.strip():
        return [f"{where}: the translation is empty"]
    has_words = english is None or re.search(r"[A-Za-z]", english)
    if has_words and not _script(lang).search(value):
        return [f"{where}: not translated (no {lang} letters): {value[:60]!r}"]
    return []


def _paired(english: list, translated, where: str, items: str, item: str, owner: str = "file",
            sep: str = ": ") -> tuple[list[str], list[tuple[dict, dict, str]]]:
    """The items of a translated list beside the English ones: ``(problems, [(en, tr, where)])``.

    A translation that is not a list, has another number of items, or holds an item that is not
    an object is a problem (named ``<where><sep><item> <n>``); the pairs are the items to compare.
    """
    if not isinstance(translated, list):
        return [f"{where}: expected a list of {items}, got {type(translated).__name__}"], []
    out, pairs = [], []
    if len(translated) != len(english):
        out.append(f"{where}: {len(translated)} {items}, the English {owner} has {len(english)}")
    for i, (en, tr) in enumerate(zip(english, translated, strict=False), start=1):
        at = f"{where}{sep}{item} {i}"
        if isinstance(tr, dict):
            pairs.append((en, tr, at))
        else:
            out.append(f"{at}: expected an object")
    return out, pairs


def compare_quiz(english: list, translated, where: str = "quiz", lang: str = "ru") -> list[str]:
    """Problems of ``translated`` as a translation of the quiz ``english`` (both parsed JSON)."""
    out, questions = _paired(english, translated, where, "questions", "question")
    for en_q, tr_q, qw in questions:
        out += _compare_object(en_q, tr_q, qw, lang, skip=("answers",))
        tr_a = tr_q.get("answers")
        if not isinstance(tr_a, list):
            out.append(f"{qw}: 'answers' must be a list")
            continue
        problems, answers = _paired(en_q.get("answers") or [], tr_a, qw, "answers", "answer",
                                    owner="question", sep=", ")
        out += problems
        for ea, ta, aw in answers:
            out += _compare_object(ea, ta, aw, lang)
    return out


def _compare_object(en: dict, tr: dict, where: str, lang: str, skip: tuple = ()) -> list[str]:
    out = []
    if set(en) != set(tr):
        missing, extra = sorted(set(en) - set(tr)), sorted(set(tr) - set(en))
        out.append(f"{where}: fields differ from the English (missing {missing}, extra {extra})")
    for key, value in en.items():
        if key in skip or key not in tr:
            continue
        if key in QUIZ_DATA_FIELDS or not isinstance(value, str):
            if tr[key] != value:
                out.append(f"{where}: {key!r} is {tr[key]!r}, the English has {value!r}")
        else:
            out += _text_problems(tr[key], f"{where}: {key!r}", lang, value)
    return out


def _quiz_units(questions: list) -> list[str]:
    """One text per question: the question, its answers and their feedback."""
    units = []
    for q in questions:
        parts = [q.get("question", "")]
        for a in q.get("answers") or []:
            parts += [str(a.get("answer", "")), str(a.get("feedback", ""))]
        units.append("\n".join(parts))
    return units


def quiz_problems(english_path: str | Path, lang: str = "ru") -> list[str]:
    """Structure problems of the translation of one English quiz file (it must exist)."""
    english_path = Path(english_path)
    path = translation_path(english_path, lang)
    if not path.is_file():
        return [f"{path}: no translation of {english_path.name}"]
    try:
        translated = _read(path)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        return [f"{path}: not valid UTF-8 JSON: {exc}"]
    return compare_quiz(_read(english_path), translated, str(path), lang)


def quiz_inconsistencies(english_path: str | Path, lang: str = "ru",
                         terms: list[terminology.Term] | None = None) -> list[str]:
    """Terminology problems of a translated quiz, question by question."""
    english_path = Path(english_path)
    path = translation_path(english_path, lang)
    terms = terminology.load() if terms is None else terms
    out = []
    pairs = zip(_quiz_units(_read(english_path)), _quiz_units(_read(path)), strict=False)
    for qi, (en, tr) in enumerate(pairs, start=1):
        out += [f"{path}: question {qi}: {i}" for i in terminology.find_inconsistencies(en, tr, terms)]
    return out


def compare_glossary(english: list, translated, where: str = "glossary", lang: str = "ru",
                     keep: frozenset[str] = frozenset()) -> list[str]:
    """Problems of ``translated`` as a translation of the glossary entries ``english`` (parsed YAML).

    ``keep``: English terms that stay as they are in the translation (names the terminology keeps
    in Latin script, such as ``Qaznet Trust Network``).
    """
    out, entries = _paired(english, translated, where, "entries", "entry")
    for en, tr, w in entries:
        extra = sorted(set(tr) - {"en", "term", "aliases", "definition"})
        if extra:
            out.append(f"{w}: unknown fields {extra}")
        if tr.get("en") != en.get("term"):
            out.append(f"{w}: 'en' is {tr.get('en')!r}, the English entry is {en.get('term')!r}")
        if not (tr.get("term") in keep and tr.get("term") == en.get("term")):
            out += _text_problems(tr.get("term"), f"{w}: 'term'", lang)
        out += _text_problems(tr.get("definition"), f"{w}: 'definition'", lang)
        aliases = tr.get("aliases") or []
        if not isinstance(aliases, list):
            out.append(f"{w}: 'aliases' must be a list")
        else:
            for a in aliases:
                if not isinstance(a, str) or not a.strip():
                    out.append(f"{w}: an alias is empty")
    return out


def glossary_problems(english_path: str | Path, lang: str = "ru",
                      terms: list[terminology.Term] | None = None) -> list[str]:
    """Structure problems of the translation of one English glossary file (it must exist).

    A term that the terminology renders by itself (``ru`` = ``en``) may stay untranslated.
    """
    english_path = Path(english_path)
    path = translation_path(english_path, lang)
    if not path.is_file():
        return [f"{path}: no translation of {english_path.name}"]
    try:
        translated = _read(path)
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        return [f"{path}: not valid UTF-8 YAML: {exc}"]
    terms = terminology.load() if terms is None else terms
    keep = frozenset(t.en for t in terms if t.ru == t.en)
    return compare_glossary(_read(english_path) or [], translated, str(path), lang, keep)


def glossary_inconsistencies(english_path: str | Path, lang: str = "ru",
                             terms: list[terminology.Term] | None = None) -> list[str]:
    """Terminology problems of a translated glossary, entry by entry (term, aliases and definition)."""
    english_path = Path(english_path)
    path = translation_path(english_path, lang)
    terms = terminology.load() if terms is None else terms
    out = []
    for i, (en, tr) in enumerate(zip(_read(english_path) or [], _read(path) or [], strict=False), start=1):
        en_text = "\n".join([str(en.get("term", "")), *map(str, en.get("aliases") or []),
                             str(en.get("definition", ""))])
        tr_text = "\n".join([str(tr.get("term", "")), *map(str, tr.get("aliases") or []),
                             str(tr.get("definition", ""))])
        out += [f"{path}: entry {i}: {x}" for x in terminology.find_inconsistencies(en_text, tr_text, terms)]
    return out


#: Inline code and the text of MyST roles (`...`), which hold keys, labels and code, not prose.
_CODE = re.compile(r"`[^`]*`")


def catalog_inconsistencies(po_path: str | Path, terms: list[terminology.Term] | None = None) -> list[str]:
    """Terminology problems of a gettext catalog (``locales/<lang>/LC_MESSAGES/*.po``), message by message.

    Untranslated and fuzzy messages are left to the catalog check; each translated message is compared
    with its ``msgid`` and reported as ``file:line: ...`` (the line of its ``msgid``).
    """
    from babel.messages.pofile import read_po  # Sphinx's own dependency; imported only when catalogs exist

    po_path = Path(po_path)
    terms = terminology.load() if terms is None else terms
    with open(po_path, "rb") as fh:
        catalog = read_po(fh)
    out = []
    for message in catalog:
        if not message.id or message.fuzzy:
            continue
        ids = message.id if isinstance(message.id, (list, tuple)) else [message.id]
        strings = message.string if isinstance(message.string, (list, tuple)) else [message.string]
        if not any(strings):
            continue
        english, russian = (_CODE.sub(" ", "\n".join(x for x in texts if x)) for texts in (ids, strings))
        for x in terminology.find_inconsistencies(english, russian, terms):
            out.append(f"{po_path}:{message.lineno}: {x}")
    return out


# ---------------------------------------------------------------------------
# the command: ctmodule check-translations


def check_all(lang: str = "ru", root: str | Path | None = None) -> tuple[list[str], int]:
    """Every problem of the terminology and of the ``lang`` quizzes and glossaries; and the files checked.

    A missing translation is reported as a problem too.
    """
    root = Path(root) if root is not None else repo_root()
    table = root / "locales" / "terminology.csv"
    sources = terminology.source_ids(root)
    problems = [str(p) for p in terminology.problems(table, sources=sources, display=str(table))]
    if problems:
        return problems, 1
    terms = terminology.load(table, sources=sources)
    checked = 1
    for kind, structure, consistency in (("quizzes", quiz_problems, quiz_inconsistencies),
                                         ("glossary", glossary_problems, glossary_inconsistencies)):
        for english in english_files(kind, root):
            checked += 1
            if kind == "glossary":
                found = structure(english, lang, terms)
            else:
                found = structure(english, lang)
            problems += found
            if not found:
                problems += consistency(english, lang, terms)
    for catalog in sorted((root / "locales" / lang / "LC_MESSAGES").rglob("*.po")):
        checked += 1
        problems += catalog_inconsistencies(catalog, terms)
    return problems, checked


def add_arguments(parser) -> None:
    parser.add_argument("--lang", default="ru", help="language of the translations to check (default: ru)")
    parser.add_argument("--root", default=None, help="repository root (default: the current repository)")


def run(args) -> int:
    problems, checked = check_all(args.lang, args.root)
    for p in problems:
        print(p)
    print(f"{len(problems)} problem(s) in {checked} file(s): the terminology, "
          f"quizzes/*.{args.lang}.json, glossary/{args.lang}/ and locales/{args.lang}/LC_MESSAGES/")
    return 1 if problems else 0

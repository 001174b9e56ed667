"""The print edition's content: what the PDF shows where the web book has something interactive.

The PDF is built from the same sources as the site (see :mod:`ctmodule.book.pdf`). Three things
change in print, and this module writes them as Markdown:

- **Quizzes** print as numbered questions with lettered options (:func:`quiz_markdown`); the
  answers, with their feedback, go to an answer key at the end of the book
  (:func:`answer_key_markdown`, the page ``appendix/print-answer-key.md``).
- **Exercise solutions** go to an appendix (:func:`solutions_markdown`, the page
  ``appendix/print-solutions.md``); the PDF build hides them in the chapters.
- **Explorers** print as the image of their default view, with a caption that says what the
  interactive version offers (:meth:`ctmodule.explorers.base.Explorer.print_markdown`).

The quiz and explorer Markdown travels in the cell's output next to the HTML (``text/markdown``):
the HTML builder and JupyterLab show the richer HTML or widget, the LaTeX builder takes the
Markdown (see MyST-NB's render priority).

The print edition in another language (``lang``) writes its own labels (the code's messages,
:mod:`ctmodule.l10n`), the answer key from the translated quizzes
(``quizzes/<chapter>.<lang>.json``), and the solutions in the translation their chapter's catalog
holds (:func:`translate_markdown`: each paragraph and list item as the chapter's page shows it).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

from ctmodule.l10n import N_, gettext, option_letters

#: The options' letters in the source language (:func:`ctmodule.l10n.option_letters` in another).
LETTERS = option_letters()

#: The opening line of a solution directive in a chapter's Markdown (backtick or colon fence).
_SOLUTION_OPEN = re.compile(r"^(?P<fence>`{3,}|:{3,})\{solution\}\s*(?P<label>\S+)\s*$")
_GATED_OPEN = re.compile(r"^(?P<fence>`{3,}|:{3,})\{solution-start\}\s*(?P<label>\S+)\s*$")


def _md_escape(text: str) -> str:
    """Text from a quiz file as inline Markdown: no accidental emphasis, list or HTML."""
    text = " ".join(str(text).split())
    return re.sub(r"([\\`*_{}\[\]<>#|])", r"\\\1", text)


def _chapter_number(chapter: str) -> str:
    """``"03-comparing-definitions"`` -> ``"3"``."""
    head = chapter.split("-", 1)[0]
    return str(int(head)) if head.isdigit() else chapter


#: The print edition's own labels (translated in ``locales/<lang>/LC_MESSAGES/_code.po``).
QUIZ_HEAD = N_("**Self-check quiz** (answers: *Answer key*, chapter {num}, at the end of the book)")
ANSWER_NUMBER = N_("*Answer with a number.*")
CHOOSE_ALL = N_("*Choose every answer that applies.*")
RANGE = N_("from {lo} to {hi}")
OTHER_ANSWER = N_("any other answer")
NO_SINGLE_VALUE = N_("(no single value)")
# Translators: a heading of the answer key and of the solutions appendix (Markdown heading).
CHAPTER_HEADING = N_("Chapter {num}: {title}")
# Translators: {answer} is one or more option letters, e.g. "(a), (c)", or a number.
KEY_ANSWER = N_("Answer: {answer}.")
# Translators: {ref} is the exercise's title with its number (a cross-reference).
SOLUTION_TO = N_("Solution to {ref}")


def _answer_text(question: dict, answer: dict, lang: str = "en") -> str:
    if question.get("type") == "numeric":
        kind = answer.get("type")
        if kind == "value":
            return _md_escape(answer["value"])
        if kind == "range":
            lo, hi = answer["range"]
            return gettext(RANGE, lang).format(lo=_md_escape(lo), hi=_md_escape(hi))
        return gettext(OTHER_ANSWER, lang)
    return _md_escape(answer.get("answer", ""))


def quiz_markdown(chapter: str, questions: list[dict], lang: str = "en") -> str:
    """A chapter's quiz for print: numbered questions, lettered options, a pointer to the key."""
    num = _chapter_number(chapter)
    out = [gettext(QUIZ_HEAD, lang).format(num=num), ""]
    for i, q in enumerate(questions, 1):
        out.append(f"**{num}.{i}** {_md_escape(q['question'])}")
        out.append("")
        if q["type"] == "numeric":
            out.append(gettext(ANSWER_NUMBER, lang))
            out.append("")
            continue
        if q["type"] == "many_choice":
            out.append(gettext(CHOOSE_ALL, lang))
            out.append("")
        for i, a in enumerate(q["answers"]):
            letter = option_letters(lang)[i]
            out.append(f"- ({letter}) {_answer_text(q, a, lang)}")
        out.append("")
    return "\n".join(out).rstrip() + "\n"


def _key_entries(q: dict, lang: str = "en") -> tuple[str, list[str]]:
    """The correct answer(s) of one question and the feedback lines worth printing."""
    if q["type"] == "numeric":
        right = [a for a in q["answers"] if a.get("correct")]
        answer = "; ".join(_answer_text(q, a, lang) for a in right) or gettext(NO_SINGLE_VALUE, lang)
        notes = [f"{_answer_text(q, a, lang)}: {_md_escape(a['feedback'])}" for a in q["answers"]
                 if a.get("feedback")]
        return answer, notes
    abc = option_letters(lang)
    letters = [f"({abc[i]})" for i, a in enumerate(q["answers"]) if a.get("correct")]
    notes = [f"({abc[i]}) {_md_escape(a['feedback'])}" for i, a in enumerate(q["answers"]) if a.get("feedback")]
    return ", ".join(letters), notes


def answer_key_markdown(quizzes: dict[str, list[dict]], titles: dict[str, str] | None = None,
                        lang: str = "en") -> str:
    """The answer key of the quizzes (chapter -> questions, as :func:`ctmodule.book.quiz.load`
    gives them, in ``lang``), in chapter order: the answers and their feedback."""
    out = []
    for chapter in sorted(quizzes):
        questions = quizzes[chapter]
        num = _chapter_number(chapter)
        title = (titles or {}).get(chapter, chapter)
        out += ["## " + gettext(CHAPTER_HEADING, lang).format(num=num, title=_md_escape(title)), ""]
        for i, q in enumerate(questions, 1):
            answer, notes = _key_entries(q, lang)
            out.append(f"**{num}.{i}** " + gettext(KEY_ANSWER, lang).format(answer=answer))
            out.append("")
            out += [f"- {n}" for n in notes]
            out.append("")
    return "\n".join(out).rstrip() + "\n"


def _cell_text(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def notebook_solutions(nb: dict, where: str = "notebook") -> list[tuple[str, str]]:
    """The solutions in a chapter notebook: ``[(exercise label, Markdown body)]``, in order.

    Both forms of sphinx-exercise are read: a ``{solution}`` block inside one Markdown cell, and a
    gated ``{solution-start}`` … ``{solution-end}`` pair that may enclose code cells (printed as
    Python code blocks). The directive's option lines (``:class: dropdown``) are dropped.
    """
    found: list[tuple[str, str]] = []
    gated: tuple[str, list[str]] | None = None  # (label, parts) while inside a gated solution
    for index, cell in enumerate(nb.get("cells", [])):
        text = _cell_text(cell)
        if cell.get("cell_type") == "code":
            if gated is not None and text.strip():
                gated[1].append("\n```python\n" + text.rstrip() + "\n```\n")
            continue
        if cell.get("cell_type") != "markdown":
            continue
        lines, i = text.splitlines(), 0
        while i < len(lines):
            stripped = lines[i].strip()
            if gated is not None:
                m = re.match(r"^(`{3,}|:{3,})\{solution-end\}\s*$", stripped)
                if m:
                    found.append((gated[0], re.sub(r"\n{3,}", "\n\n", "\n".join(gated[1])).strip()))
                    gated = None
                    i += 1
                    if i < len(lines) and lines[i].strip() == m.group(1):
                        i += 1
                    continue
                gated[1].append(lines[i])
                i += 1
                continue
            m = _SOLUTION_OPEN.match(stripped) or _GATED_OPEN.match(stripped)
            if not m:
                i += 1
                continue
            fence, label, is_gated = m.group("fence"), m.group("label"), "solution-start" in stripped
            i += 1
            while i < len(lines) and re.match(r"^\s*:[a-z-]+:", lines[i]):
                i += 1  # directive options
            if is_gated:
                if i < len(lines) and lines[i].strip() == fence:
                    i += 1  # the start directive's own closing fence
                gated = (label, [])
                continue
            body = []
            while i < len(lines) and lines[i].strip() != fence:
                body.append(lines[i])
                i += 1
            if i >= len(lines):
                raise ValueError(f"{where}, cell {index}: the solution to {label} has no closing {fence}")
            found.append((label, "\n".join(body).strip()))
            i += 1
        if gated is not None:
            gated[1].append("")  # cell boundary
    if gated is not None:
        raise ValueError(f"{where}: the solution to {gated[0]} has no {{solution-end}}")
    return found


def notebook_markdown(path: str | Path) -> tuple[str, str]:
    """A chapter notebook's title (its H1) and the Markdown of all its Markdown cells."""
    nb = json.loads(Path(path).read_text(encoding="utf-8"))
    text = "\n\n".join(_cell_text(c) for c in nb["cells"] if c["cell_type"] == "markdown")
    m = re.search(r"^# (.+)$", text, re.M)
    return (m.group(1).strip() if m else Path(path).stem), text


_FENCE = re.compile(r"^(`{3,}|:{3,}|~{3,})")
_ITEM = re.compile(r"^(\s*(?:[-*+]|\d+[.)])\s+)(.*)$")


def translate_markdown(text: str, translate: Callable[[str], str | None]) -> tuple[str, list[str]]:
    """Markdown with each paragraph and each list item replaced by its translation.

    ``translate(message)`` gives a message's translation or None; a message is a paragraph's (or
    item's) text with its lines joined by spaces, as Sphinx extracts it into a page's catalog.
    Fenced blocks (code, directives' fences) stay as they are. Returns the text and the messages
    that had no translation (left in the source language)."""
    out, missing = [], []
    lines = text.splitlines()
    i = 0

    def flush(block: list[str]) -> None:
        if not block:
            return
        if _ITEM.match(block[0]):
            items: list[list[str]] = []
            for line in block:
                if _ITEM.match(line) or not items:
                    items.append([line])
                else:
                    items[-1].append(line)
            for item in items:
                m = _ITEM.match(item[0])
                prefix, first = (m.group(1), m.group(2)) if m else ("", item[0])
                message = " ".join([first.strip(), *(x.strip() for x in item[1:])]).strip()
                done = translate(message)
                if done is None:
                    missing.append(message)
                out.append(prefix + (done if done is not None else message))
            return
        message = " ".join(x.strip() for x in block).strip()
        if block[0].lstrip().startswith("#"):  # a heading: its text is the message
            hashes, _, heading = block[0].strip().partition(" ")
            done = translate(heading.strip())
            if done is None:
                missing.append(heading.strip())
            out.append(f"{hashes} {done if done is not None else heading.strip()}")
            out.extend(block[1:])
            return
        done = translate(message)
        if done is None:
            missing.append(message)
        out.append(done if done is not None else "\n".join(block))

    block: list[str] = []
    while i < len(lines):
        line = lines[i]
        m = _FENCE.match(line.strip())
        if m:
            flush(block)
            block = []
            fence = m.group(1)
            out.append(line)
            i += 1
            while i < len(lines) and lines[i].strip() != fence:
                out.append(lines[i])
                i += 1
            if i < len(lines):
                out.append(lines[i])
            i += 1
            continue
        if not line.strip():
            flush(block)
            block = []
            out.append("")
        else:
            block.append(line)
        i += 1
    flush(block)
    return "\n".join(out), missing


def solutions_markdown(chapters: list[str | Path], lang: str = "en",
                       catalogs: Callable[[str], dict[str, str]] | None = None,
                       missing: list[str] | None = None) -> str:
    """The solutions appendix: every chapter's solutions, in order, under the chapter's title.

    In another language than the sources' (``lang``), ``catalogs(stem)`` gives a chapter's
    translations (msgid -> msgstr, its page's catalog); the title and every paragraph of a
    solution are taken from it; each message it lacks is added to ``missing`` (with its chapter),
    and stays in the source language."""
    out = []
    missing = missing if missing is not None else []
    for path in chapters:
        title, _ = notebook_markdown(path)
        nb = json.loads(Path(path).read_text(encoding="utf-8"))
        solutions = notebook_solutions(nb, str(path))
        if not solutions:
            continue
        stem = Path(path).stem
        done = catalogs(stem) if catalogs is not None and lang != "en" else None
        if done is not None:
            if title in done:
                title = done[title]
            else:
                missing.append(f"{stem}: {title}")
        num = _chapter_number(stem)
        out += ["## " + gettext(CHAPTER_HEADING, lang).format(num=num, title=title), ""]
        for label, body in solutions:
            if done is not None:
                body, gaps = translate_markdown(body, done.get)
                missing += [f"{stem}: {g}" for g in gaps]
            out += ["### " + gettext(SOLUTION_TO, lang).format(ref=f"{{ref}}`{label}`"), "", body, ""]
    return "\n".join(out).rstrip() + "\n"

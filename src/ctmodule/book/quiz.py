"""Self-check quizzes, kept as data in ``quizzes/<chapter>.json`` and rendered with jupyterquiz.

A quiz file is a JSON list of questions in jupyterquiz's format::

    [
      {"question": "Which instrument ...?",
       "type": "multiple_choice",            # one correct answer (or "many_choice": several)
       "answers": [
         {"answer": "UNSC resolution 1566", "correct": true,  "feedback": "Yes: ..."},
         {"answer": "UNGA resolution 49/60", "correct": false, "feedback": "No: ..."}
       ]},
      {"question": "How many universal instruments ...?",
       "type": "numeric",                  # "precision": N (N >= 1) rounds decimals
       "answers": [
         {"type": "value", "value": 19, "correct": true,  "feedback": "Right: ..."},
         {"type": "range", "range": [12, 18], "correct": false, "feedback": "..."},
         {"type": "default", "feedback": "..."}
       ]}
    ]

:func:`load` checks a file and names the file, question and answer of any
problem; :func:`show` renders it. The questions are embedded in the page
(no URL, no kernel needed once rendered), so quizzes answer in the static
book with no network.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from ctmodule.l10n import N_, SOURCE_LANGUAGE, translator
from ctmodule.paths import repo_root

CHOICE_TYPES = {"multiple_choice", "many_choice"}
TYPES = CHOICE_TYPES | {"numeric"}

# What a question asks of the reader, recorded per question as "kind": a "scenario" item puts a case or a
# short passage and asks the reader to apply a concept to it; a "recall" item asks for something the chapter
# states. The marker is the module's own; it is removed before the quiz is handed to jupyterquiz.
KINDS = {"scenario", "recall"}

# Colours with at least 4.5:1 contrast for white text (WCAG AA), distinguishable from each other.
COLORS = {
    "--jq-multiple-choice-bg": "#1f3a68",
    "--jq-many-choice-bg": "#6b2d5c",
    "--jq-numeric-bg": "#1f4f3a",
    "--jq-string-bg": "#4c1a57",
    "--jq-mc-button-bg": "#fafafa",
    "--jq-mc-button-border": "#6b6b6b",
    "--jq-mc-button-inset-shadow": "#555555",
    "--jq-numeric-input-bg": "#ffffff",
    "--jq-numeric-input-label": "#101010",
    "--jq-numeric-input-shadow": "#999999",
    "--jq-incorrect-color": "#ffd6d6",
    "--jq-correct-color": "#c8f7c5",
    "--jq-text-color": "#ffffff",
    "--jq-link-color": "#cfe0ff",
}


class QuizError(ValueError):
    """A quiz file is missing or malformed."""


# jupyterquiz writes a few words of its own (feedback and input labels), as string literals in its
# script (jupyterquiz/js/*.js). In an edition in another language its script says them in that
# language (:func:`localise_script`): each literal, exactly as the script writes it, and the message
# that translates it (through the code catalog, ``locales/<lang>/LC_MESSAGES/_code.po``).
SCRIPT_STRINGS = {
    '"Correct!"': N_("Correct!"),
    '"Incorrect -- try again."': N_("Incorrect -- try again."),
    '"Incorrect. Try again."': N_("Incorrect. Try again."),
    '"Correct"': N_("Correct"),
    '"Type numeric answer here:"': N_("Type numeric answer here:"),
    '"Type your answer here:"': N_("Type your answer here:"),
    '"(Fuzzy) "': N_("(Fuzzy) "),  # a "string" question's near-miss (not a type the quizzes use)
}
# The text the script puts on the page itself: ``innerHTML = "..."`` or ``= jaxify("...")``, and
# the feedback it keeps for later (``feedback = "..."``). A literal here that SCRIPT_STRINGS does
# not know is a string a jupyterquiz upgrade added: it would stay English, so it is an error.
_SCRIPT_TEXT = re.compile(r'(?:innerHTML|feedback|defaultFB)\s*=\s*(?:jaxify\()?("(?:[^"\\]|\\.)*")')


def script_strings(script: str) -> list[str]:
    """The string literals of jupyterquiz's ``script`` that it shows as text, in order."""
    return [m.group(1) for m in _SCRIPT_TEXT.finditer(script) if re.search(r"[A-Za-z]", m.group(1))]


def check_script(script: str) -> None:
    """jupyterquiz's ``script`` writes exactly the strings :data:`SCRIPT_STRINGS` knows: a string it
    no longer holds or one it newly writes (a jupyterquiz upgrade) is an error naming the string."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        which = f"jupyterquiz {version('jupyterquiz')}"
    except PackageNotFoundError:
        which = "jupyterquiz"
    first, _, code = script.partition("\n")  # the questions (the first line), then the code
    if not first.startswith("var questions"):
        raise QuizError(f"{which}'s script no longer starts with its questions (var questions...=[...]): "
                        f"{first[:60]!r}: update localise_script in src/ctmodule/book/quiz.py")
    missing = [literal for literal in SCRIPT_STRINGS if literal not in code]
    unknown = sorted(set(script_strings(code)) - set(SCRIPT_STRINGS))
    problems = [f"{which}'s script no longer writes the string {literal}" for literal in missing]
    problems += [f"{which}'s script writes the string {literal}, which ctmodule.book.quiz.SCRIPT_STRINGS "
                 "does not translate" for literal in unknown]
    if problems:
        raise QuizError("; ".join(problems) + ": update SCRIPT_STRINGS in src/ctmodule/book/quiz.py "
                        "(and the translations in locales/*/LC_MESSAGES/_code.po)")


def closed_html(fragment: str) -> str:
    """jupyterquiz's HTML output with the ``<div>`` elements it leaves open closed (its container
    ``<div id=...>`` is closed by the notebook's output cell): side by side in one multilingual
    output, an open one would put the next language's quiz inside this one's, hidden with it."""
    opened = len(re.findall(r"<div\b", fragment, flags=re.I))
    closed = len(re.findall(r"</div\s*>", fragment, flags=re.I))
    return fragment + "</div>" * max(0, opened - closed)


def localise_script(script: str, lang: str) -> str:
    """jupyterquiz's ``script`` with its own strings in ``lang`` (checked first: :func:`check_script`).

    The script of each language's quiz defines jupyterquiz's functions again; the translated one is
    wrapped in a function of its own, so that its functions (which hold the translated strings) do
    not replace the global ones that the English quiz on the same page calls when it is answered."""
    check_script(script)
    if lang == SOURCE_LANGUAGE:
        return script
    tr = translator(lang)
    # the script's first line holds the questions (``var questions<id>=[...]``): they are the quiz's
    # own words, already in its language, and are left as they are
    questions, newline, code = script.partition("\n")
    for literal, message in SCRIPT_STRINGS.items():
        code = code.replace(literal, json.dumps(html.escape(tr(message), quote=False), ensure_ascii=False))
    return f"(function () {{\n{questions}{newline}{code}\n}})();\n"


def quiz_path(chapter: str, folder: str | Path | None = None, lang: str | None = None) -> Path:
    """``quizzes/<chapter>.json`` (English), or its translation ``quizzes/<chapter>.<lang>.json``."""
    folder = Path(folder) if folder is not None else repo_root() / "quizzes"
    return folder / (f"{chapter}.{lang}.json" if lang else f"{chapter}.json")


def is_translation(path: Path) -> bool:
    """Whether a quiz file is a translation (``<chapter>.<lang>.json``), not a chapter's quiz."""
    return "." in Path(path).stem


def translations(chapter: str, folder: str | Path | None = None) -> list[str]:
    """The languages the chapter's quiz is translated into (its ``<chapter>.<lang>.json`` files)."""
    folder = Path(folder) if folder is not None else repo_root() / "quizzes"
    return sorted(p.stem.split(".", 1)[1] for p in folder.glob(f"{chapter}.*.json"))


def _check_question(q, where: str) -> list[str]:
    problems = []
    if not isinstance(q, dict):
        return [f"{where}: a question must be an object"]
    if not str(q.get("question", "")).strip():
        problems.append(f"{where}: 'question' text is missing")
    if "kind" in q and q["kind"] not in KINDS:
        problems.append(f"{where}: 'kind' must be one of {sorted(KINDS)}, got {q['kind']!r}")
    qtype = q.get("type")
    if qtype not in TYPES:
        problems.append(f"{where}: 'type' must be one of {sorted(TYPES)}, got {qtype!r}")
    answers = q.get("answers")
    if not isinstance(answers, list) or len(answers) < 2 and qtype in CHOICE_TYPES:
        problems.append(f"{where}: needs a list of at least two 'answers'")
        return problems
    if not answers:
        problems.append(f"{where}: needs at least one answer")
        return problems
    if qtype == "numeric" and "precision" in q:
        precision = q["precision"]
        # jupyterquiz calls toPrecision(precision): 0 throws in the browser and breaks the quiz
        if not isinstance(precision, int) or isinstance(precision, bool) or precision < 1:
            problems.append(f"{where}: 'precision' must be a whole number of at least 1 (or left out)")
    correct = 0
    for j, a in enumerate(answers, start=1):
        w = f"{where}, answer {j}"
        if not isinstance(a, dict):
            problems.append(f"{w}: an answer must be an object")
            continue
        if not str(a.get("feedback", "")).strip():
            problems.append(f"{w}: every answer needs 'feedback' that explains it")
        if qtype in CHOICE_TYPES and not str(a.get("answer", "")).strip():
            problems.append(f"{w}: 'answer' text is missing")
        if qtype == "numeric" and a.get("type") not in {"value", "range", "default"}:
            problems.append(f"{w}: numeric answers have type value, range or default")
        if a.get("correct") is True:
            correct += 1
    if qtype == "multiple_choice" and correct != 1:
        problems.append(f"{where}: a multiple_choice question needs exactly one correct answer, has {correct}")
    if qtype in {"many_choice", "numeric"} and correct < 1:
        problems.append(f"{where}: needs at least one correct answer")
    return problems


def load(chapter: str, folder: str | Path | None = None, *, min_questions: int = 3,
         lang: str | None = None) -> list[dict]:
    """Load and check the quiz of ``chapter`` (e.g. ``"03-comparing-definitions"``), or its
    translation into ``lang``, which must be the same quiz in another language
    (:func:`check_translation`)."""
    path = quiz_path(chapter, folder, lang)
    if not path.is_file():
        raise QuizError(f"{path}: no quiz file for chapter {chapter!r}")
    try:
        questions = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise QuizError(f"{path}: not UTF-8 ({exc.reason} at byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise QuizError(f"{path}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}") from None
    if not isinstance(questions, list):
        raise QuizError(f"{path}: expected a list of questions")
    problems = []
    if len(questions) < min_questions:
        problems.append(f"{path}: {len(questions)} questions, at least {min_questions} expected")
    for i, q in enumerate(questions, start=1):
        problems += _check_question(q, f"{path}: question {i}")
    if not problems and lang:
        problems += check_translation(load(chapter, folder, min_questions=min_questions), questions, str(path))
    if problems:
        raise QuizError("\n".join(problems))
    return questions


def check_translation(source: list[dict], translated: list[dict], where: str) -> list[str]:
    """A translated quiz asks the same questions with the same answers: the same number of
    questions, and each with the same type, kind, number of answers, correct answers, values and
    ranges (only the words differ)."""
    if len(source) != len(translated):
        return [f"{where}: {len(translated)} questions, the English quiz has {len(source)}"]
    problems = []
    keep = ("type", "kind", "precision")
    for i, (q, t) in enumerate(zip(source, translated, strict=True), start=1):
        for key in keep:
            if q.get(key) != t.get(key):
                problems.append(f"{where}: question {i}: {key!r} is {t.get(key)!r}, the English has {q.get(key)!r}")
        qa, ta = q.get("answers", []), t.get("answers", [])
        if len(qa) != len(ta):
            problems.append(f"{where}: question {i}: {len(ta)} answers, the English has {len(qa)}")
            continue
        for j, (a, b) in enumerate(zip(qa, ta, strict=True), start=1):
            for key in ("correct", "type", "value", "range"):
                if a.get(key) != b.get(key):
                    problems.append(f"{where}: question {i}, answer {j}: {key!r} is {b.get(key)!r}, "
                                    f"the English has {a.get(key)!r}")
    return problems


def kinds(questions: list[dict]) -> dict[str, int]:
    """Count the questions of each kind (see :data:`KINDS`); a question without a marker counts as "unmarked"."""
    counts = {kind: 0 for kind in sorted(KINDS)} | {"unmarked": 0}
    for q in questions:
        kind = q.get("kind", "unmarked")
        counts[kind] = counts.get(kind, 0) + 1
    return counts


def scenario_share(questions: list[dict]) -> float:
    """Share of ``questions`` marked ``"kind": "scenario"`` (0.0 for an empty list)."""
    return kinds(questions)["scenario"] / len(questions) if questions else 0.0


def show(chapter: str, folder: str | Path | None = None, *, shuffle_answers: bool = False):
    """Render the chapter's quiz in the notebook (and, once executed, in the static book).

    jupyterquiz displays two outputs, the quiz's HTML and its script. The HTML output gains a
    ``text/markdown`` view, the questions for print (:func:`ctmodule.book.printed.quiz_markdown`),
    which only the PDF build shows (the site and JupyterLab show the HTML); the script output
    loses its ``text/plain`` placeholder so that print shows nothing for it.

    Where the quiz is translated (``quizzes/<chapter>.<lang>.json``), the HTML output holds it in
    every language (:func:`ctmodule.book.bilingual.variants_html`) and each edition shows its own.
    """
    from IPython.display import publish_display_data
    from IPython.utils.capture import capture_output
    from jupyterquiz import display_quiz

    from ctmodule.book.bilingual import markdown_variants, variants_html
    from ctmodule.book.printed import quiz_markdown

    def strip(qs):
        return [{k: v for k, v in q.items() if k != "kind"} for q in qs]

    questions = strip(load(chapter, folder))
    # the translations, each checked against the English (same questions, same answers)
    langs = {"en": questions} | {lang: strip(load(chapter, folder, lang=lang))
                                 for lang in translations(chapter, folder)}
    views, scripts, metadata = {}, [], {}
    for lang, qs in langs.items():
        with capture_output(stdout=False, stderr=False, display=True) as captured:
            display_quiz(qs, shuffle_answers=shuffle_answers, colors=COLORS, max_width=720)
        for out in captured.outputs:
            if "text/html" in out.data:
                views[lang] = closed_html(out.data["text/html"])
                metadata = out.metadata
            elif "application/javascript" in out.data:
                data = dict(out.data)
                # jupyterquiz's own words ("Correct!", the input's label) in the quiz's language
                data["application/javascript"] = localise_script(data["application/javascript"], lang)
                scripts.append((data, out.metadata))
    # one output holds the quiz in every language (the page shows its own, and so does each
    # edition's PDF: ctmodule.book.bilingual); the notebook's text is the English quiz
    body = views["en"] if len(views) == 1 else variants_html(views)
    printed = markdown_variants({lang: quiz_markdown(chapter, qs, lang) for lang, qs in langs.items()})
    publish_display_data({"text/html": body, "text/markdown": printed,
                          "text/plain": f"<self-check quiz: {len(questions)} questions>"}, metadata=metadata)
    for data, meta in scripts:
        data.pop("text/plain", None)
        publish_display_data(data, metadata=meta)

"""Quiz files: every chapter's quiz loads, and malformed quizzes are refused with a clear message."""

from __future__ import annotations

import json
import re

import pytest

from ctmodule.book import quiz
from ctmodule.paths import repo_root

GOOD = [
    {
        "question": "Which text defines terrorism for the annual US Country Reports?",
        "type": "multiple_choice",
        "answers": [
            {"answer": "22 U.S.C. 2656f", "correct": True, "feedback": "Yes."},
            {"answer": "UNSC 1566", "correct": False, "feedback": "No: that is a UN resolution."},
        ],
    },
    {
        "question": "How many universal instruments does the UN count?",
        "type": "numeric",
        "answers": [
            {"type": "value", "value": 19, "correct": True, "feedback": "Right."},
            {"type": "default", "feedback": "Count the instruments listed by the CTC."},
        ],
    },
    {
        "question": "Which elements does the UK Act include?",
        "type": "many_choice",
        "answers": [
            {"answer": "Threats", "correct": True, "feedback": "Yes."},
            {"answer": "Property damage", "correct": True, "feedback": "Yes."},
            {"answer": "State perpetrators only", "correct": False, "feedback": "No."},
        ],
    },
]


def write(tmp_path, data, name="99-test"):
    path = tmp_path / f"{name}.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return name


def test_good_quiz_loads(tmp_path):
    assert quiz.load(write(tmp_path, GOOD), tmp_path) == GOOD


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda q: q[0].update(answers=[dict(a, correct=True) for a in q[0]["answers"]]), "exactly one correct"),
        (lambda q: q[0]["answers"][1].pop("feedback"), "question 1, answer 2: every answer needs 'feedback'"),
        (lambda q: q[1].update(type="essay"), "question 2: 'type' must be one of"),
        (lambda q: q[2].update(answers=[dict(a, correct=False) for a in q[2]["answers"]]), "question 3: needs at least one correct"),
        (lambda q: q.pop(), "2 questions, at least 3 expected"),
        (lambda q: q[0].update(question=" "), "question 1: 'question' text is missing"),
        (lambda q: q[1].update(precision=0), "question 2: 'precision' must be a whole number of at least 1"),
    ],
)
def test_malformed_quiz_is_refused_with_where(tmp_path, mutate, message):
    data = json.loads(json.dumps(GOOD))
    mutate(data)
    with pytest.raises(quiz.QuizError) as err:
        quiz.load(write(tmp_path, data), tmp_path)
    assert message in str(err.value)
    assert "99-test.json" in str(err.value)


def test_invalid_json_names_line_and_column(tmp_path):
    with pytest.raises(quiz.QuizError, match=r"99-test.json:2:\d+: not valid JSON"):
        quiz.load(write(tmp_path, '[\n {"question": }]'), tmp_path)


def test_missing_quiz(tmp_path):
    with pytest.raises(quiz.QuizError, match="no quiz file"):
        quiz.load("00-nothing", tmp_path)


def test_every_chapter_has_a_valid_quiz():
    root = repo_root()
    chapters = sorted(p.stem for p in (root / "chapters").glob("*.ipynb"))
    if not chapters:
        pytest.skip("no chapters yet")
    missing = [c for c in chapters if not quiz.quiz_path(c).is_file()]
    assert not missing, f"chapters without a quiz in quizzes/: {missing}"
    for chapter in chapters:
        assert len(quiz.load(chapter)) >= 3


# --- jupyterquiz's own words in the quiz's language -------------------------------------------

def _script(questions) -> str:
    """The script jupyterquiz (the installed version) writes for ``questions``."""
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.utils.capture import capture_output
    from jupyterquiz import display_quiz

    InteractiveShell.instance()
    with capture_output(stdout=False, stderr=False, display=True) as captured:
        display_quiz(questions, colors=quiz.COLORS)
    scripts = [o.data["application/javascript"] for o in captured.outputs if "application/javascript" in o.data]
    assert len(scripts) == 1
    return scripts[0]


@pytest.fixture(scope="module")
def script():
    return _script(GOOD)


def test_jupyterquiz_writes_the_strings_we_translate(script):
    quiz.check_script(script)  # the installed jupyterquiz: every string known, none new
    assert set(quiz.script_strings(script.partition("\n")[2])) == set(quiz.SCRIPT_STRINGS)


def test_the_russian_script_says_jupyterquizs_words_in_russian(script):
    from ctmodule.l10n import gettext

    ru = quiz.localise_script(script, "ru")
    for literal, message in quiz.SCRIPT_STRINGS.items():
        assert literal not in ru.partition("\n")[2].partition("\n")[2], f"{literal} is left in the Russian script"
        translated = gettext(message, "ru")
        assert translated != message and re.search(r"[А-Яа-яЁё]", translated), f"{message!r} is not translated"
        assert json.dumps(translated, ensure_ascii=False) in ru
    assert '"Верно!"' in ru and '"Введите числовой ответ:"' in ru and '"Неверно — попробуйте ещё раз."' in ru
    # its functions are its own (the English quiz on the same page keeps the English ones)
    assert ru.startswith("(function () {\n") and ru.rstrip().endswith("})();")
    # the questions (the quiz's own words) are untouched
    assert ru.splitlines()[1] == script.splitlines()[0]
    assert quiz.localise_script(script, "en") == script


def test_a_question_that_says_correct_is_not_translated_by_the_script(script):
    questions = [{"question": "Pick one", "type": "multiple_choice", "answers": [
        {"answer": "Correct", "correct": True, "feedback": "Correct!"},
        {"answer": "Wrong", "correct": False, "feedback": "No."}]}]
    ru = quiz.localise_script(_script(questions), "ru")
    assert '"answer": "Correct"' in ru and '"feedback": "Correct!"' in ru


@pytest.mark.parametrize("change, named", [
    (lambda s: s.replace('"Type numeric answer here:"', '"Enter a number:"'), '"Type numeric answer here:"'),
    (lambda s: s.replace('"Correct!"', '"Well done!"'), '"Well done!"'),
])
def test_a_changed_jupyterquiz_fails_loudly_naming_the_string(script, change, named):
    with pytest.raises(quiz.QuizError, match=re.escape(named)):
        quiz.localise_script(change(script), "ru")
    with pytest.raises(quiz.QuizError, match="SCRIPT_STRINGS"):
        quiz.check_script(change(script))


def test_the_print_view_of_a_translated_quiz_carries_each_language():
    """The PDF of each edition prints its own language's quiz (ctmodule.book.i18n.LanguageMarkdown)."""
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.utils.capture import capture_output

    from ctmodule.book.bilingual import markdown_variant
    from ctmodule.book.printed import quiz_markdown

    root = repo_root()
    chapter = next(c for c in sorted(p.stem for p in (root / "chapters").glob("*.ipynb"))
                   if "ru" in quiz.translations(c))
    InteractiveShell.instance()
    with capture_output(stdout=False, stderr=False, display=True) as captured:
        quiz.show(chapter)
    printed = [o.data["text/markdown"] for o in captured.outputs if "text/markdown" in o.data]
    assert len(printed) == 1
    assert markdown_variant(printed[0], "en").strip() == quiz_markdown(chapter, quiz.load(chapter)).strip()
    ru = markdown_variant(printed[0], "ru")
    assert ru.strip() == quiz_markdown(chapter, quiz.load(chapter, lang="ru"), "ru").strip()
    assert ru != markdown_variant(printed[0], "en")

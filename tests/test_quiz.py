"""Quiz files: every chapter's quiz loads, and malformed quizzes are refused with a clear message."""

from __future__ import annotations

import json

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

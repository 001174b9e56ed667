"""The Russian quizzes and glossaries: the English files' structure, translated text, the terminology."""

from __future__ import annotations

import copy
import json

import pytest
import yaml

from ctmodule.book import quiz
from ctmodule.book import translations as tr
from ctmodule.data import terminology
from ctmodule.paths import repo_root

ROOT = repo_root()
QUIZZES = tr.english_files("quizzes")
GLOSSARIES = tr.english_files("glossary")
RU_QUIZZES = [p for p in QUIZZES if tr.translation_path(p, "ru").is_file()]
RU_GLOSSARIES = [p for p in GLOSSARIES if tr.translation_path(p, "ru").is_file()]
FIRST_QUIZZES = ["00-how-to-use", "01-defining-terrorism", "02-legal-instruments", "03-comparing-definitions",
                 "04-astana-code-of-conduct"]


@pytest.fixture(scope="module")
def terms():
    return terminology.load()


def test_the_first_five_quizzes_are_translated():
    assert {p.stem for p in RU_QUIZZES} >= set(FIRST_QUIZZES)


def test_every_quiz_has_a_russian_file():
    missing = [p.name for p in QUIZZES if not tr.translation_path(p, "ru").is_file()]
    assert not missing, missing


def test_every_glossary_has_a_russian_file():
    missing = [p.name for p in GLOSSARIES if not tr.translation_path(p, "ru").is_file()]
    assert not missing, missing


def test_nothing_in_the_russian_folders_lacks_an_english_original():
    english = {p.stem for p in QUIZZES}
    for path in (ROOT / "quizzes").glob("*.ru.json"):
        assert path.name.removesuffix(".ru.json") in english, f"{path}: no English quiz of that name"
    english = {p.name for p in GLOSSARIES}
    for path in (ROOT / "glossary" / "ru").glob("*.yml"):
        assert path.name in english, f"{path}: no English file of that name"


@pytest.mark.parametrize("path", RU_QUIZZES, ids=lambda p: p.stem)
def test_russian_quiz_has_the_english_structure(path):
    assert tr.quiz_problems(path) == []
    # and it is a valid quiz in its own right
    quiz.load(path.stem, ROOT / "quizzes", lang="ru")


@pytest.mark.parametrize("path", RU_QUIZZES, ids=lambda p: p.stem)
def test_russian_quiz_uses_the_terminology(path, terms):
    problems = tr.quiz_inconsistencies(path, terms=terms)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", RU_QUIZZES, ids=lambda p: p.stem)
def test_russian_quiz_keeps_the_two_space_layout(path):
    text = tr.translation_path(path, "ru").read_text(encoding="utf-8")
    assert text.removesuffix("\n") == json.dumps(json.loads(text), indent=2, ensure_ascii=False)


@pytest.mark.parametrize("path", RU_GLOSSARIES, ids=lambda p: p.stem)
def test_russian_glossary_has_the_english_entries(path, terms):
    assert tr.glossary_problems(path) == []
    by_en = terminology.lookup(terms)
    for entry in yaml.safe_load(tr.translation_path(path, "ru").read_text(encoding="utf-8")):
        # the Russian term is the terminology's rendering of the English one
        # (or the short form the terminology's check accepts, as for a Code article with a long heading)
        term = by_en[entry["en"].casefold()]
        forms = {term.ru.casefold(), *(f.casefold() for f in term.check_forms)}
        assert entry["term"].casefold() in forms, (entry["en"], entry["term"], term.ru)


@pytest.mark.parametrize("path", RU_GLOSSARIES, ids=lambda p: p.stem)
def test_russian_glossary_uses_the_terminology(path, terms):
    problems = tr.glossary_inconsistencies(path, terms=terms)
    assert not problems, "\n".join(problems)


# ---------------------------------------------------------------------------
# the comparison itself, on made-up files

EN_QUIZ = [
    {"question": "Which?", "type": "multiple_choice", "kind": "recall",
     "answers": [{"answer": "A", "correct": True, "feedback": "Yes."},
                 {"answer": "B", "correct": False, "feedback": "No."}]},
    {"question": "How many?", "type": "numeric", "kind": "scenario", "precision": 1,
     "answers": [{"type": "value", "value": 19, "correct": True, "feedback": "Right."},
                 {"type": "default", "feedback": "No."}]},
]
RU_QUIZ = [
    {"question": "Какой?", "type": "multiple_choice", "kind": "recall",
     "answers": [{"answer": "А", "correct": True, "feedback": "Да."},
                 {"answer": "Б", "correct": False, "feedback": "Нет."}]},
    {"question": "Сколько?", "type": "numeric", "kind": "scenario", "precision": 1,
     "answers": [{"type": "value", "value": 19, "correct": True, "feedback": "Верно."},
                 {"type": "default", "feedback": "Нет."}]},
]


def test_a_faithful_translation_passes():
    assert tr.compare_quiz(EN_QUIZ, RU_QUIZ) == []


def test_an_answer_without_words_may_stay_as_it_is():
    en = [dict(EN_QUIZ[0], answers=[dict(a, answer=n) for a, n in zip(EN_QUIZ[0]["answers"], ("46", "230"), strict=True)])]
    ru = [dict(RU_QUIZ[0], answers=[dict(a, answer=n) for a, n in zip(RU_QUIZ[0]["answers"], ("46", "230"), strict=True)])]
    assert tr.compare_quiz(en, ru) == []
    ru[0]["answers"][0]["answer"] = " "
    assert any("answer 1: 'answer': the translation is empty" in p for p in tr.compare_quiz(en, ru))
    # but an English answer with words must be translated
    en[0]["answers"][1]["answer"] = "230 deaths"
    assert any("answer 2: 'answer': not translated" in p for p in tr.compare_quiz(en, ru))


@pytest.mark.parametrize(
    ("change", "words"),
    [
        (lambda q: q.pop(), "1 questions, the English file has 2"),
        (lambda q: q.reverse(), "question 1: 'type' is 'numeric'"),
        (lambda q: q[0].update(kind="scenario"), "question 1: 'kind' is 'scenario'"),
        (lambda q: q[0]["answers"].pop(), "question 1: 1 answers, the English question has 2"),
        (lambda q: q[0]["answers"][1].update(correct=True), "question 1, answer 2: 'correct' is True"),
        (lambda q: q[1]["answers"][0].update(value=18), "question 2, answer 1: 'value' is 18"),
        (lambda q: q[1].update(precision=2), "question 2: 'precision' is 2"),
        (lambda q: q[0].update(question="Which?"), "question 1: 'question': not translated"),
        (lambda q: q[0]["answers"][0].update(feedback=""), "question 1, answer 1: 'feedback': the translation is empty"),
        (lambda q: q[0].pop("kind"), "question 1: fields differ from the English (missing ['kind']"),
    ],
)
def test_a_changed_structure_or_untranslated_text_is_named(change, words):
    ru = copy.deepcopy(RU_QUIZ)
    change(ru)
    problems = tr.compare_quiz(EN_QUIZ, ru, "quizzes/ru/x.json")
    assert any(words in p for p in problems), problems
    assert all(p.startswith("quizzes/ru/x.json: ") for p in problems)


def test_glossary_comparison_names_the_entry():
    en = [{"term": "Audience", "definition": "Those persuaded."}, {"term": "Protocol", "definition": "A treaty."}]
    ru = [{"en": "Audience", "term": "аудитория", "definition": "Те, кого убеждают."},
          {"en": "Protocol", "term": "протокол", "definition": "Договор."}]
    assert tr.compare_glossary(en, ru) == []
    swapped = [ru[1], ru[0]]
    assert any("entry 1: 'en' is 'Protocol'" in p for p in tr.compare_glossary(en, swapped))
    assert any("2 entries" in p for p in tr.compare_glossary(en + en[:1], ru))
    untranslated = [dict(ru[0], definition="Those persuaded."), ru[1]]
    assert any("entry 1: 'definition': not translated" in p for p in tr.compare_glossary(en, untranslated))
    # a name kept in Latin script passes only when the terminology keeps it so
    en_name = [{"term": "Qaznet Trust Network", "definition": "A certificate."}]
    ru_name = [{"en": "Qaznet Trust Network", "term": "Qaznet Trust Network", "definition": "Сертификат."}]
    assert any("'term': not translated" in p for p in tr.compare_glossary(en_name, ru_name))
    assert tr.compare_glossary(en_name, ru_name, keep=frozenset({"Qaznet Trust Network"})) == []


def test_the_terminology_check_runs_per_question(tmp_path, terms):
    (tmp_path / "quizzes").mkdir(parents=True)
    en = [dict(EN_QUIZ[0], question="Who is the securitising actor?")]
    ru = [dict(RU_QUIZ[0], question="Кто выступает секьюритизирующим субъектом?")]
    (tmp_path / "quizzes" / "x.json").write_text(json.dumps(en), encoding="utf-8")
    (tmp_path / "quizzes" / "x.ru.json").write_text(json.dumps(ru, ensure_ascii=False), encoding="utf-8")
    problems = tr.quiz_inconsistencies(tmp_path / "quizzes" / "x.json", terms=terms)
    assert len(problems) == 1 and "question 1" in problems[0] and "секьюритизирующий актор" in problems[0]
    ru[0]["question"] = "Кто выступает секьюритизирующим актором?"
    (tmp_path / "quizzes" / "x.ru.json").write_text(json.dumps(ru, ensure_ascii=False), encoding="utf-8")
    assert tr.quiz_inconsistencies(tmp_path / "quizzes" / "x.json", terms=terms) == []


def test_the_terminology_quizzes_and_glossaries_pass_the_check():
    problems, _ = tr.check_all("ru")
    outside_catalogs = [p for p in problems if "/LC_MESSAGES/" not in p]
    assert not outside_catalogs, "\n".join(outside_catalogs)


def test_the_command_passes_on_the_module(capsys):
    from ctmodule.cli import main

    assert main(["check-translations"]) == 0
    assert "0 problem(s)" in capsys.readouterr().out


def test_the_command_names_each_problem_and_fails(tmp_path, capsys):
    from ctmodule.cli import main

    (tmp_path / "quizzes").mkdir(parents=True)
    (tmp_path / "glossary" / "ru").mkdir(parents=True)
    (tmp_path / "locales").mkdir()
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "sources.csv").write_text("source_id,type,author,year,title,publisher,url,bib_key,note\n",
                                                   encoding="utf-8")
    (tmp_path / "locales" / "terminology.csv").write_text(
        "en,ru,kind,source_id,note\nAudience,аудитория,concept,,\n", encoding="utf-8")
    en = [dict(EN_QUIZ[0], question="Which audience?")]
    (tmp_path / "quizzes" / "a.json").write_text(json.dumps(en), encoding="utf-8")
    (tmp_path / "quizzes" / "b.json").write_text(json.dumps(en), encoding="utf-8")
    ru = [dict(RU_QUIZ[0], question="Какие слушатели?")]
    (tmp_path / "quizzes" / "a.ru.json").write_text(json.dumps(ru, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "glossary" / "g.yml").write_text("- term: Audience\n  definition: Those persuaded.\n",
                                                 encoding="utf-8")
    (tmp_path / "glossary" / "ru" / "g.yml").write_text(
        "- en: Audience\n  term: аудитория\n  definition: Те, кого убеждают.\n", encoding="utf-8")
    assert main(["check-translations", "--root", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "a.ru.json: question 1: 'audience' (Audience)" in out  # the term is not rendered
    assert "quizzes/b.ru.json: no translation of b.json" in out
    assert "2 problem(s) in 4 file(s)" in out
    # a gettext catalog is checked message by message; fuzzy and untranslated ones are left alone
    po = tmp_path / "locales" / "ru" / "LC_MESSAGES" / "chapters" / "05.po"
    po.parent.mkdir(parents=True)
    po.write_text('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                  '#: ../../chapters/05.ipynb:12\nmsgid "Who is the audience?"\nmsgstr "Кто слушатели?"\n\n'
                  '#, fuzzy\nmsgid "The audience"\nmsgstr "Публика"\n\n'
                  'msgid "An audience"\nmsgstr ""\n\n'
                  'msgid "Audience again"\nmsgstr "Снова аудитория"\n', encoding="utf-8")
    assert main(["check-translations", "--root", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert f"{po}:6: 'audience' (Audience)" in out
    assert "3 problem(s) in 5 file(s)" in out
    # a broken terminology row stops the check and is named
    (tmp_path / "locales" / "terminology.csv").write_text("en,ru,kind,source_id,note\nAudience,,concept,,\n",
                                                          encoding="utf-8")
    assert main(["check-translations", "--root", str(tmp_path)]) == 1
    assert "terminology.csv:2:ru: must not be empty" in capsys.readouterr().out


def test_the_russian_glossaries_merge_into_one_glossary():
    from ctmodule.book import glossary

    entries = glossary.load_entries(ROOT / "glossary" / "ru")
    assert len(entries) == sum(len(yaml.safe_load(p.read_text(encoding="utf-8"))) for p in GLOSSARIES)


def test_the_glossary_of_another_edition_is_grouped_by_its_own_letters(tmp_path):
    from ctmodule.book.glossary import render_markdown

    (tmp_path / "ru").mkdir()
    (tmp_path / "01.yml").write_text(
        "- term: Securitisation\n  definition: One.\n- term: Audience\n  definition: Two.\n"
        "- term: Zeta\n  definition: Three.\n", encoding="utf-8")
    (tmp_path / "ru" / "01.yml").write_text(
        '- en: Securitisation\n  term: "Секьюритизация"\n  definition: "Раз."\n'
        '- en: Audience\n  term: "Аудитория"\n  definition: "Два."\n', encoding="utf-8")
    english = render_markdown(tmp_path)
    assert [line for line in english.splitlines() if line.startswith("## ")] == ["## A", "## S", "## Z"]
    russian = render_markdown(tmp_path, lang="ru",
                              translations={"Securitisation": "Секьюритизация", "Audience": "Аудитория"})
    # ordered by the Russian terms (the page's catalog's translations); the English terms stay (the
    # catalog translates them); an entry without a translation is filed by its English spelling,
    # after the Cyrillic letters
    assert [line for line in russian.splitlines() if line.startswith("## ")] == ["## А", "## С", "## Z"]
    assert russian.index("Audience") < russian.index("Securitisation")


def test_an_english_spelling_alias_kept_as_is_is_left_out_of_another_edition(tmp_path):
    from ctmodule.book.glossary import render_markdown

    (tmp_path / "01.yml").write_text(
        "- term: Securitisation\n  aliases: [securitization, securitize]\n  definition: One.\n", encoding="utf-8")
    russian = render_markdown(tmp_path, lang="ru", kept_english={"securitization"})
    assert "securitization" not in russian and "securitize" in russian
    assert "securitization" in render_markdown(tmp_path, kept_english={"securitization"})  # English: all

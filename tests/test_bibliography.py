"""The bibliography: every entry traceable and used, no document-sharing links, no website as
author, DOIs for journal articles; and the checker reports each kind of problem with file, line
and key."""

from __future__ import annotations

import json
import shutil

import pytest

from ctmodule.data import bibliography
from ctmodule.paths import repo_root

BIB = """\
@article{Smith2001good,
  author  = {Smith, Ann},
  title   = {{A Good Article}},
  journal = {Journal of Things},
  year    = {2001},
  doi     = {10.1000/xyz}
}

@misc{UN2006page,
  author       = {{United Nations}},
  title        = {{A UN Page}},
  howpublished = {United Nations},
  year         = {2006},
  url          = {https://www.un.org/page}
}
"""

SOURCES = """\
source_id,type,author,year,title,publisher,url,bib_key,note
smith2001,academic,Ann Smith,2001,A Good Article,Journal of Things,https://doi.org/10.1000/xyz,Smith2001good,
un2006,official,United Nations,2006,A UN Page,United Nations,https://www.un.org/page,UN2006page,
"""

DESCRIPTOR = {
    "resources": [
        {"name": "sources", "path": "sources.csv", "schema": {"fields": [{"name": "source_id"}]}},
        {
            "name": "events",
            "path": "events.csv",
            "schema": {
                "fields": [
                    {"name": "event_id"},
                    {
                        "name": "source_id",
                        "ctmodule:references": {
                            "resource": "sources",
                            "field": "source_id",
                            "separator": ";",
                        },
                    },
                ]
            },
        },
    ]
}


def chapter(text: str) -> str:
    return json.dumps({"cells": [{"cell_type": "markdown", "source": [text]}], "metadata": {}})


@pytest.fixture
def project(tmp_path):
    """A minimal project: one cited article, one page referenced only by a data row."""
    (tmp_path / "data").mkdir()
    (tmp_path / "chapters").mkdir()
    (tmp_path / "appendix").mkdir()
    (tmp_path / "references.bib").write_text(BIB, encoding="utf-8")
    (tmp_path / "data" / "sources.csv").write_text(SOURCES, encoding="utf-8")
    (tmp_path / "data" / "datapackage.json").write_text(json.dumps(DESCRIPTOR), encoding="utf-8")
    (tmp_path / "data" / "events.csv").write_text("event_id,source_id\nev-1,un2006\n", encoding="utf-8")
    (tmp_path / "chapters" / "01-x.ipynb").write_text(
        chapter("As shown {cite:p}`Smith2001good`."), encoding="utf-8"
    )
    (tmp_path / "appendix" / "bibliography.md").write_text(
        "```{bibliography}\n:all:\n```\n", encoding="utf-8"
    )
    return tmp_path


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_the_module_bibliography_is_clean():
    problems = bibliography.check(repo_root())
    assert problems == [], "\n".join(problems)


def test_a_clean_project_has_no_problems(project):
    assert bibliography.check(project) == []


@pytest.mark.parametrize(
    "mutate, expected",
    [
        (
            lambda d: edit(d / "data" / "sources.csv", ",UN2006page,", ",UN2006other,"),
            "references.bib:9: UN2006page: no row of data/sources.csv has this bib_key",
        ),
        (
            lambda d: (d / "data" / "events.csv").write_text(
                "event_id,source_id\nev-1,smith2001\n", encoding="utf-8"
            ),
            "references.bib:9: UN2006page: unused",
        ),
        (
            lambda d: edit(d / "chapters" / "01-x.ipynb", "Smith2001good", "UN2006page"),
            "references.bib:1: Smith2001good: unused",
        ),
        (
            lambda d: edit(
                d / "references.bib", "https://www.un.org/page", "https://docslib.org/doc/123/a-un-page"
            ),
            "references.bib:9: UN2006page: url is on the document-sharing or mirror host docslib.org",
        ),
        (
            lambda d: edit(
                d / "references.bib", "https://www.un.org/page", "https://ja.scribd.com/document/1/x"
            ),
            "UN2006page: url is on the document-sharing or mirror host scribd.com",
        ),
        (
            lambda d: edit(
                d / "data" / "sources.csv", "https://www.un.org/page", "https://international.vlex.com/vid/1"
            ),
            "data/sources.csv:3:url: un2006: on the document-sharing or mirror host vlex.com",
        ),
        (
            lambda d: edit(d / "references.bib", "{{United Nations}}", "{{un.org}}"),
            'references.bib:9: UN2006page: author "un.org" is a domain name',
        ),
        (
            lambda d: edit(d / "references.bib", "  doi     = {10.1000/xyz}\n", "  pages   = {1--2}\n"),
            "references.bib:1: Smith2001good: journal article without a DOI",
        ),
        (
            lambda d: edit(d / "references.bib", "{{A UN Page}}", "{{[Descriptive title of a UN page]}}"),
            "references.bib:9: UN2006page: title is descriptive in one file only (data/sources.csv line 3)",
        ),
    ],
    ids=[
        "entry without sources row",
        "entry used by nothing",
        "cited entry no longer cited",
        "docslib link",
        "scribd subdomain",
        "sharing host in sources.csv",
        "domain as author",
        "article without doi",
        "descriptive title in one file",
    ],
)
def test_each_problem_is_reported(project, mutate, expected):
    mutate(project)
    problems = bibliography.check(project)
    assert any(expected in p for p in problems), problems


def test_bibliography_page_all_does_not_count_as_a_citation(project):
    edit(project / "chapters" / "01-x.ipynb", "{cite:p}`Smith2001good`", "nothing")
    assert any("Smith2001good: unused" in p for p in bibliography.check(project))


def test_several_keys_in_one_citation_are_all_counted(project):
    edit(project / "chapters" / "01-x.ipynb", "`Smith2001good`", "`Smith2001good, UN2006page`")
    (project / "data" / "events.csv").write_text("event_id,source_id\n", encoding="utf-8")
    assert bibliography.check(project) == []


def test_article_without_doi_passes_when_the_note_says_so(project):
    edit(
        project / "references.bib",
        "  doi     = {10.1000/xyz}\n",
        "  note    = {DOI not confirmed from a stored source.}\n",
    )
    assert bibliography.check(project) == []


def test_source_cited_by_a_seed_counts_as_used(project):
    edit(project / "data" / "sources.csv", ",UN2006page,", ",UN2006page,Cited by seed 2.")
    (project / "data" / "events.csv").write_text("event_id,source_id\n", encoding="utf-8")
    assert bibliography.check(project) == []


def test_outlet_styled_with_capitals_is_not_a_bare_domain(project):
    edit(project / "references.bib", "{{United Nations}}", "{{Tengrinews.kz}}")
    assert bibliography.check(project) == []


def test_duplicate_key_is_refused_with_its_line(project):
    edit(project / "references.bib", "@misc{UN2006page,", "@misc{Smith2001good,")
    with pytest.raises(
        ValueError, match=r"references.bib:9: Smith2001good: duplicate key \(first at line 1\)"
    ):
        bibliography.check(project)


def test_unreadable_notebook_is_named(project):
    (project / "chapters" / "02-broken.ipynb").write_text("{not json", encoding="utf-8")
    with pytest.raises(ValueError, match=r"chapters/02-broken.ipynb: not a readable notebook"):
        bibliography.check(project)


def test_build_folders_are_not_searched_for_citations(project):
    build = project / "_build" / "html"
    build.mkdir(parents=True)
    shutil.copy(project / "chapters" / "01-x.ipynb", build / "01-x.ipynb")
    edit(project / "chapters" / "01-x.ipynb", "{cite:p}`Smith2001good`", "nothing")
    assert any("Smith2001good: unused" in p for p in bibliography.check(project))


@pytest.mark.parametrize(
    "url, host",
    [
        ("https://docslib.org/doc/1", "docslib.org"),
        ("http://www.lawyersnjurists.com/x", "lawyersnjurists.com"),
        ("https://law-journals-books.vlex.com/vid/1", "vlex.com"),
        ("https://www.un.org/en/x", None),
        ("https://notdocslib.org/x", None),
    ],
)
def test_sharing_host(url, host):
    assert bibliography.sharing_host(url) == host

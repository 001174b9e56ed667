"""The explorers in the built book, offline: each control operated with the keyboard changes the
view to what ctmodule computes from the CSVs for that choice; axe-core finds nothing serious or
critical after the operation; no outside request, no console error.

The pages are found by their content (``data-explorer="NAME"``), so a chapter may move.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"

pytestmark = pytest.mark.browser

AXE_EXPLORER_JS = """async ([name, lang]) => {
  const r = await axe.run(document.querySelector('section.ctmodule-explorer[data-explorer="' + name + '"][lang="' + lang + '"]'),
                          {resultTypes: ['violations']});
  return r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical')
    .map(v => v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3).map(n => n.html.slice(0, 160)).join(' | '));
}"""


def page_with(site, name: str, lang: str = "en") -> str:
    """The page of the edition in ``lang`` (the Russian one under ``ru/``) that holds the explorer."""
    for path in sorted(site.rglob("*.html")):
        rel = path.relative_to(site)
        if rel.parts[0].startswith(("_", ".")) or (rel.parts[0] == lang) != (lang != "en"):
            continue
        if lang == "en" and len(rel.parts) > 1 and re.fullmatch(r"[a-z]{2}", rel.parts[0]):
            continue
        if f'data-explorer="{name}"' in path.read_text(encoding="utf-8"):
            return rel.as_posix()
    pytest.fail(f"no page of the site holds the {name} explorer", pytrace=False)


@pytest.fixture
def open_explorer(site, site_url, new_guarded_page):
    """``open_explorer(name)`` -> (page, guard, root locator), the explorer drawn and ready."""
    opened = []

    def _open(name: str, lang: str = "en"):
        page, guard = new_guarded_page(site_url)
        page.goto(site_url + page_with(site, name, lang), wait_until="load")
        # the variant of the page's language (the others are hidden and not set up)
        root = page.locator(f'section.ctmodule-explorer[data-explorer="{name}"][lang="{lang}"]')
        root.and_(page.locator("[data-ready=true]")).wait_for(timeout=20000)
        opened.append((page, guard, name, lang))
        return page, guard, root

    yield _open
    for page, guard, name, lang in opened:
        page.add_script_tag(path=str(AXE_JS))
        found = page.evaluate(AXE_EXPLORER_JS, [name, lang])
        assert not found, f"{name}: axe-core after operating the explorer: {found}"
        guard.settle(page)
        assert not guard.problems(), f"{name}: {guard.problems()}"


def summary(root) -> str:
    return root.locator(".ctmodule-explorer-summary").inner_text()


def press(control, *keys):
    control.focus()
    for key in keys:
        control.press(key)


def wait_summary(root, before: str) -> str:
    root.page.wait_for_function(
        "([el, before]) => el.textContent !== before", arg=[root.locator(".ctmodule-explorer-summary")
                                                            .element_handle(), before], timeout=10000)
    return summary(root)


def bound(root, label: str):
    """The input Vega binds for a parameter, found by its visible label."""
    return root.locator(".vega-bind").filter(has_text=label).locator("select, input").first


def table_rows(root, index: int) -> int:
    return root.locator(".ctmodule-explorer-tables details").nth(index).locator("tbody tr").count()


def test_comparator_keyboard(open_explorer):
    from ctmodule import explorers as w
    from ctmodule.analysis import definitions as defs

    c = w.definition_comparator()
    page, guard, root = open_explorer("comparator")
    second = bound(root, "Second definition")
    before = summary(root)
    press(second, "ArrowDown")
    after = wait_summary(root, before)
    a = bound(root, "First definition").evaluate("el => el.options[el.selectedIndex].value")
    b = second.evaluate("el => el.options[el.selectedIndex].value")
    a, b = (c.numbers.index[int(x)] if x.isdigit() else x for x in (a, b))
    expected = defs.similarity(c.numbers, a, b)
    assert f"{c._short(a)} and {c._short(b)}: {expected:.2f}" in after
    # the method, by arrow key on the radio group
    before = after
    press(root.locator('input[type=radio]').first, "ArrowRight")
    after = wait_summary(root, before)
    assert f"Similarity (agreement) of {c._short(a)} and {c._short(b)}: " \
           f"{defs.similarity(c.numbers, a, b, method='agreement'):.2f}" in after
    # the table follows: both definitions' coding of every element
    assert table_rows(root, 0) == (2 * len(c.words.columns) if a != b else len(c.words.columns))


def test_instruments_keyboard(open_explorer):
    from ctmodule import explorers as w

    t = w.instrument_explorer().table
    t = t[t["adopted_year"].notna()]
    page, guard, root = open_explorer("instruments")
    assert summary(root).startswith(f"{len(t)} instruments")
    domain = bound(root, "Domain")
    before = summary(root)
    press(domain, "ArrowDown")
    chosen = domain.evaluate("el => el.options[el.selectedIndex].text")
    after = wait_summary(root, before)
    kept = t[t["domain_label"] == chosen]
    assert after.startswith(f"{len(kept)} instruments"), (chosen, after)
    assert table_rows(root, 1) == len(kept)
    # Kazakhstan's status
    before = after
    status = bound(root, "Kazakhstan")
    press(status, "ArrowDown")
    chosen_kz = status.evaluate("el => el.options[el.selectedIndex].text")
    kept = kept[kept["kz_category"] == chosen_kz]
    if len(kept) != int(before.split()[0]):
        after = wait_summary(root, before)
    assert summary(root).startswith(f"{len(kept)} instruments")
    # decades: the first slider, one decade on
    press(status, "Home")
    before = summary(root)
    press(bound(root, "Adopted from"), "ArrowRight")
    lo = int(t["adopted_year"].min()) // 10 * 10 + 10
    kept = t[(t["domain_label"] == chosen) & (t["adopted_year"] >= lo)]
    page.wait_for_timeout(300)
    assert summary(root).startswith(f"{len(kept)} instruments"), summary(root)


def test_timeline_keyboard(open_explorer):
    from ctmodule import explorers as w

    exp = w.timeline_explorer()
    first, last = exp.controls["years"].min, exp.controls["years"].max
    page, guard, root = open_explorer("timeline")
    before = summary(root)
    press(bound(root, "From the year"), *["ArrowRight"] * 5)
    after = wait_summary(root, before)
    sel = exp._tl.filter_events(exp.events, start=str(first + 5), end=str(last))
    assert after.startswith(f"{len(sel)} events"), after
    category = bound(root, "Category")
    press(category, "ArrowDown")
    chosen = category.evaluate("el => el.options[el.selectedIndex].text")
    sel = exp._tl.filter_events(exp.events, categories=[chosen], start=str(first + 5), end=str(last))
    page.wait_for_timeout(300)
    assert summary(root).startswith(f"{len(sel)} events"), (chosen, summary(root))
    assert table_rows(root, 0) == len(sel)


def test_builder_keyboard(open_explorer):
    from ctmodule import explorers as w
    from ctmodule.explorers.builder import DEFAULT_TICKED

    b = w.build_your_definition()
    page, guard, root = open_explorer("builder")
    assert summary(root).startswith(f"{len(b.matched)} of {len(b.scenarios)}")
    first = b.element_ids[0]
    box = root.locator(".vega-bind").filter(has_text=b.labels[first]).locator("input[type=checkbox]")
    before = summary(root)
    press(box, "Space")
    after = wait_summary(root, before)
    ticked = set(DEFAULT_TICKED) ^ {first}
    expected = w.build_your_definition(sorted(ticked))
    assert after.startswith(f"{len(expected.matched)} of {len(expected.scenarios)}"), after
    top = expected.result.iloc[0]
    assert f"(similarity {top['similarity']:.2f})" in after
    assert table_rows(root, 1) == len(expected.matched)


def test_coder_keyboard(open_explorer):
    from ctmodule import explorers as w
    from ctmodule.analysis import cases as cs

    c = w.case_coder()
    page, guard, root = open_explorer("coder")
    case = root.locator("select[name=case]")
    press(case, "ArrowDown")
    case_id = case.input_value()
    assert case_id == list(c.cases["case_id"].astype(str))[1]
    subject = c.cases.set_index("case_id").loc[case_id, "subject"]
    assert subject in root.locator(".ctmodule-coder-case").inner_text()
    # first field: the first option that agrees with the module; the others: the first option
    options = c.options
    field0 = cs.THEORY_FIELDS[0]
    agree = [i for i, o in enumerate(options[field0])
             if cs.compare_coding(c.cases, case_id, {field0: o}).iloc[0]["match"]]
    press(root.locator(f"select[name={field0}]"), *["ArrowDown"] * (agree[0] + 1))
    answers = {field0: options[field0][agree[0]]}
    for f in cs.THEORY_FIELDS[1:]:
        press(root.locator(f"select[name={f}]"), "ArrowDown")
        answers[f] = options[f][0]
    press(root.locator("button.ctmodule-coder-check"), "Enter")
    expected = int(cs.compare_coding(c.cases, case_id, answers)["match"].sum())
    page.wait_for_function("el => /fields agree/.test(el.textContent)",
                           arg=root.locator(".ctmodule-explorer-summary").element_handle())
    assert summary(root).startswith(f"{expected} of 4 fields agree"), summary(root)
    result = root.locator(".ctmodule-coder-result").inner_text()
    assert "agrees" in result and "sources" in result.lower()
    assert re.search(r"differs|no answer", result) or expected == 4


def test_pages_stay_small(site):
    """No page over 1.5 MB, its shared assets (_static/, _images/) not counted: the explorers'
    data is inline, the Vega stack is one copy for the site."""
    for path in sorted(site.rglob("*.html")):
        rel = path.relative_to(site)
        if rel.parts[0].startswith(("_", ".")):
            continue
        assert path.stat().st_size < 1.5e6, f"{rel}: {path.stat().st_size / 1e6:.2f} MB"
    vega = list((site / "_static" / "vega").glob("*.min.js"))
    assert len(vega) == 3, "vega, vega-lite and vega-embed are served once, from _static/vega/"
    for path in site.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        has_explorer = 'data-explorer="' in text
        assert ("_static/vega/vega.min.js" in text) == has_explorer, (
            f"{path.relative_to(site)}: the Vega stack belongs on the pages with an explorer, only there")


# --------------------------------------------------------------------------- the Russian edition

#: A Latin word of four letters or more: English left in a Russian text (names and ids excepted).
LATIN_WORD = re.compile(r"\b[A-Za-z]{4,}\b")
CYRILLIC = re.compile(r"[\u0400-\u04FF]")


def first_control(root, name: str):
    if name == "coder":
        return root.locator("select[name=case]")
    if name == "builder":
        return root.locator(".vega-bind input[type=checkbox]").first
    return root.locator(".vega-bind select").first


@pytest.mark.parametrize("name", ["comparator", "instruments", "timeline", "builder", "coder"])
def test_russian_edition_explorer(open_explorer, name):
    """In ``ru/``: the Russian variant is shown and set up (the English one hidden and not), every
    control is labelled in Russian, the keyboard changes the view, and the summary reads in Russian."""
    page, guard, root = open_explorer(name, "ru")
    assert page.locator(f'section.ctmodule-explorer[data-explorer="{name}"][lang="en"]').is_hidden()
    assert page.locator(f'section[data-explorer="{name}"][lang="en"][data-ready]').count() == 0
    labels = root.locator(".vega-bind-name, label, legend").all_inner_texts()
    assert labels and all(CYRILLIC.search(t) for t in labels if t.strip()), labels
    title = root.locator(".ctmodule-explorer-title").inner_text()
    assert CYRILLIC.search(title), title
    control = first_control(root, name)
    if name == "coder":
        press(control, "ArrowDown")
        for f in root.locator(".ctmodule-coder-field select").all():
            press(f, "ArrowDown")
        before = summary(root)
        press(root.locator("button.ctmodule-coder-check"), "Enter")
    else:
        before = summary(root)
        press(control, "Space" if name == "builder" else "ArrowDown")
    after = wait_summary(root, before)
    assert CYRILLIC.search(after), after
    assert not LATIN_WORD.search(re.sub(r"\(([a-z_0-9]+)\)", "", after)), after
    texts = root.locator(".ctmodule-explorer-tables summary, .ctmodule-explorer-tables th").all_text_contents()
    assert all(CYRILLIC.search(t) for t in texts), texts

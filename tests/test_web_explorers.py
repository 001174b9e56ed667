"""The explorers as they run in the built book (ctmodule.explorers.web): the Vega-Lite specs are
valid, and, rendered offline by vl-convert with a control set to a value, show what the package
computes from the CSVs for that choice; the case coder's form data agrees with compare_coding."""

from __future__ import annotations

import copy
import json
import re

import pytest

pytest.importorskip("altair")
pytest.importorskip("vl_convert")

from ctmodule import explorers as w  # noqa: E402
from ctmodule.analysis import cases as cs  # noqa: E402
from ctmodule.analysis import definitions as defs  # noqa: E402
from ctmodule.explorers import web  # noqa: E402
from ctmodule.paths import repo_root  # noqa: E402


def with_params(spec, **values):
    out = copy.deepcopy(spec)
    for p in out["params"]:
        if p["name"] in values:
            p["value"] = values.pop(p["name"])
    assert not values, f"no such parameter: {values}"
    return out


def render(spec):
    import vl_convert as vlc

    return vlc.vegalite_to_svg(spec, vl_version=web.VEGA_LITE_MAJOR_MINOR)


def test_vendored_vega_lite_matches_altairs_schema():
    import altair as alt

    lock = json.loads((repo_root() / "package-lock.json").read_text(encoding="utf-8"))
    version = lock["packages"]["node_modules/vega-lite"]["version"]
    assert alt.SCHEMA_VERSION.lstrip("v").startswith(web.VEGA_LITE_MAJOR_MINOR)
    assert version.startswith(web.VEGA_LITE_MAJOR_MINOR), (version, alt.SCHEMA_VERSION)


@pytest.fixture(scope="module")
def views():
    return {
        "comparator": w.definition_comparator().web(),
        "instruments": w.instrument_explorer().web(),
        "timeline": w.timeline_explorer().web(),
        "builder": w.build_your_definition().web(),
        "coder": w.case_coder().web(),
    }


@pytest.mark.parametrize("name", ["comparator", "instruments", "timeline", "builder"])
def test_chart_specs_are_valid_vega_lite_with_labelled_bound_controls(views, name):
    view = views[name]
    view.chart.to_dict(validate=True)  # raises on an invalid spec
    params = view.spec["params"]
    assert params and all(p["bind"]["name"].strip() for p in params)
    meta = view.spec["usermeta"]["ctmodule"]
    names = set(re.findall(r'"name": "([a-z_]+)"', json.dumps(view.spec)))
    for item in meta["tables"] + meta["summary"]:
        assert item["view"] in names, f"{name}: {item['view']} is no unit chart of the spec"
    page = view.html()
    assert page.count('<script type="application/json"') == 1 and "</script><noscript>" in page
    payload = page.split('class="ctmodule-explorer-data">', 1)[1].split("</script>", 1)[0]
    assert json.loads(payload) == json.loads(json.dumps(view.spec))  # round-trips, no "</" inside
    assert 'aria-live="polite"' in page and web._esc(view.description) in page


def test_json_for_script_cannot_close_the_script():
    text = web._json_for_script({"x": "</script><script>alert(1)</script><!--"})
    assert "</" not in text and "<!--" not in text
    assert json.loads(text)["x"].startswith("</script>")


def test_web_view_needs_a_description_and_a_kind():
    with pytest.raises(ValueError, match="description"):
        web.WebView(name="x", title="X", description=" ", spec={})
    with pytest.raises(ValueError, match="kind"):
        web.WebView(name="x", title="X", description="d", kind="canvas")
    with pytest.raises(ValueError, match="spec"):
        web.WebView(name="x", title="X", description="d")


@pytest.mark.parametrize("pair", [("unsc_1566", "kz_416_i_art1_5"), ("schmid_2011", "unsc_1566")])
@pytest.mark.parametrize("method", ["jaccard", "agreement"])
def test_comparator_shows_the_package_similarity(views, pair, method):
    c = w.definition_comparator()
    expected = defs.similarity(c.numbers, pair[0], pair[1], method=method)
    svg = render(with_params(views["comparator"].spec, def_a=pair[0], def_b=pair[1], method=method))
    assert f"{c._short(pair[0])} and {c._short(pair[1])}: {expected:.2f}" in svg


def test_builder_shows_the_scenarios_and_similarities_of_the_ticks(views):
    b = w.build_your_definition(["violence_or_threat", "coerce_government"])
    spec = views["builder"].spec
    values = {p["name"]: p["name"] in ("el_violence_or_threat", "el_coerce_government") for p in spec["params"]}
    svg = render(with_params(spec, **values))
    titles = dict(zip(b.scenarios["scenario_id"], b.scenarios["title"], strict=True))
    for sid, title in titles.items():
        shown = f">{title}<" in svg.replace("&apos;", "'")
        assert shown == (sid in b.matched), sid


def test_timeline_and_instruments_fallback_images(views):
    for name in ("comparator", "instruments", "timeline", "builder"):
        png = views[name].static_image("png")
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(ValueError, match="form"):
        views["coder"].static_image()
    with pytest.raises(ValueError, match="fmt"):
        views["timeline"].static_image("gif")


def test_timeline_rows_carry_the_period_of_filter_events(views):
    t = w.timeline_explorer()
    spec = views["timeline"].spec
    rows = spec["data"]["values"]
    kept = {(r["date"], r["title"]) for r in rows if r["end_year"] >= 2014 and r["start_year"] <= 2015}
    expected = t._tl.filter_events(t.events, start="2014", end="2015")
    assert kept == set(zip(expected["date"].astype(str), expected["title"].astype(str), strict=True))


def test_coder_form_agrees_with_compare_coding(views):
    c = w.case_coder()
    data = views["coder"].form_data
    assert set(data["cases"]) == set(c.cases["case_id"].astype(str))
    for case_id, case in data["cases"].items():
        for f in cs.THEORY_FIELDS:
            for i, option in enumerate(data["options"][f]):
                match = bool(cs.compare_coding(c.cases, case_id, {f: option}).iloc[0]["match"])
                assert (i in case["fields"][f]["agree"]) == match, (case_id, f, option)
            assert case["fields"][f]["agree"], f"{case_id}: no option agrees for {f}"
    page = views["coder"].html()
    for f in cs.THEORY_FIELDS:
        assert f'<label for="ctmodule-coder-en-{f}">' in page and f'id="ctmodule-coder-en-{f}"' in page


def test_book_build_renders_the_fallback_image_once(views, tmp_path):
    from ctmodule.book import offline

    body = "<p>text</p>" + views["instruments"].html() + views["coder"].html()
    out = offline.render_explorer_images(body, tmp_path, lambda rel, resource: "../" + rel)
    files = list((tmp_path / "_images").glob("explorer-*.svg"))
    assert len(files) == 1 and files[0].read_text(encoding="utf-8").lstrip().startswith("<svg")
    assert f'src="../_images/{files[0].name}"' in out and web.IMAGE_MARK not in out
    assert out.replace(f'src="../_images/{files[0].name}"', web.IMAGE_MARK) == body  # nothing else changes
    files[0].write_text("<svg>kept</svg>", encoding="utf-8")
    offline.render_explorer_images(body, tmp_path, lambda rel, resource: rel)
    assert files[0].read_text(encoding="utf-8") == "<svg>kept</svg>"  # same spec: not rendered again


# --------------------------------------------------------------------------- every language

EXPLORERS = ["comparator", "instruments", "timeline", "builder", "coder"]
MAKERS = {"comparator": w.definition_comparator, "instruments": w.instrument_explorer,
          "timeline": w.timeline_explorer, "builder": w.build_your_definition, "coder": w.case_coder}


def shown_strings(view) -> set[str]:
    """Every string a reader sees in a web view: the HTML's text and attributes, and the strings
    of its JSON (labels, captions, column titles, summaries, axis titles, tooltips, data shown)."""
    page = view.html()
    text = re.sub(r'<script type="application/json".*?</script>', " ", page, flags=re.DOTALL)
    found = {t.strip() for t in re.split(r"<[^>]+>", text) if t.strip()}
    found |= set(re.findall(r'(?:alt|aria-label|title)="([^"]+)"', text))
    payload = view.spec if view.kind == "vega" else view.form_data

    def walk(obj, key=None):
        if isinstance(obj, dict):
            for k, v in obj.items():
                # ids, field names, expressions and colours are not shown
                if k not in ("field", "type", "expr", "filter", "calculate", "as", "view", "lang", "sort",
                             "scheme", "range", "signal", "name", "a", "b", "method", "definition_id", "$schema", "font",
                             "scenario_id", "start", "date", "mark", "orient", "align", "format"):
                    walk(v, k)
        elif isinstance(obj, list):
            for v in obj:
                walk(v, key)
        elif (isinstance(obj, str) and re.search(r"[A-Za-z]{3}", re.sub(r"\{[^}]*\}", "", obj))
              and not re.fullmatch(r"[a-z_]+", obj)):
            found.add(obj.strip())

    walk(payload)
    return found


def names_alike() -> set[str]:
    """Labels that the data's translators left as in English (names: "Human Rights Watch")."""
    from ctmodule import data

    out = set()
    for table in ("events", "cases", "instruments", "definitions", "elements", "scenarios"):
        frame = data.load(table)
        for column in frame.columns:
            if f"{column}_ru" in frame.columns:
                same = frame[column].astype(str) == frame[f"{column}_ru"].astype(str)
                out |= set(frame.loc[same, column].astype(str))
    return out


def untranslated_originals() -> set[str]:
    """The cases' legal bases and notes, shown in the original (marked lang="en") until translated."""
    from ctmodule import data
    from ctmodule.explorers.coder import ORIGINAL_COLUMNS

    cases = data.load("cases")
    return {str(v) for c in ORIGINAL_COLUMNS if f"{c}_ru" not in cases.columns for v in cases[c].dropna()}


def sources_cited() -> set[str]:
    """The coding cards' lists of sources: authors and titles, cited as published."""
    from ctmodule import data

    cases, sources = data.load("cases"), data.load("sources")
    return {cs.cite_sources(v, sources) for v in cases["source_id"]}


@pytest.fixture(scope="module")
def editions():
    return {name: {lang: MAKERS[name]().web(lang) for lang in ("en", "ru")} for name in EXPLORERS}


@pytest.mark.parametrize("name", EXPLORERS)
def test_russian_view_has_no_english_label_left(editions, name):
    en, ru = shown_strings(editions[name]["en"]), shown_strings(editions[name]["ru"])
    # a string in both views is English left in the Russian one, unless it is a name or number
    # written alike in both (a case id, a year, "ООН" is not in the English one)
    same = {s for s in en & ru if re.search(r"[A-Za-z]{3}", s) and not re.fullmatch(r"[\w\-]+_\w+|\(?[a-z]{3}_[\w]+\)?", s)}
    allowed = {"make lab"} | names_alike() | sources_cited() | untranslated_originals()
    left = sorted(s for s in same if not any(s == a for a in allowed))
    assert not left, f"{name}: English left in the Russian view: {left[:15]}"
    assert editions[name]["ru"].lang == "ru" and 'lang="ru"' in editions[name]["ru"].html()


@pytest.mark.parametrize("name", EXPLORERS)
def test_ids_are_unique_across_the_variants(name):
    page = MAKERS[name]()._repr_mimebundle_()["text/html"]
    assert page.count('<div lang="') == 2 and '<div lang="ru">' in page
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert ids and len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
    for target in re.findall(r'\b(?:for|aria-labelledby|aria-describedby)="([^"]+)"', page):
        assert target in ids, f"{name}: {target} labels nothing"


def test_value_labels_cover_the_schema_enums():
    from ctmodule.analysis.instruments import KZ_CATEGORIES

    schema = json.loads((repo_root() / "data" / "datapackage.json").read_text(encoding="utf-8"))
    enums = {(r["name"], f["name"]): f.get("constraints", {}).get("enum")
             for r in schema["resources"] for f in r["schema"]["fields"]}
    for (table, column), kind in {("instruments", "scope"): "scope", ("instruments", "domain"): "domain",
                                  ("events", "category"): "category", ("cases", "subject_type"): "subject_type",
                                  ("definition_elements", "value"): "coding"}.items():
        assert set(enums[(table, column)]) <= set(web.VALUE_LABELS[kind]), (table, column)
    assert set(KZ_CATEGORIES) == set(web.VALUE_LABELS["kz_category"])
    with pytest.raises(KeyError, match="VALUE_LABELS"):
        web.value_label("scope", "galactic", "ru")


def test_script_strings_follow_the_language(editions):
    en = editions["timeline"]["en"].spec["usermeta"]["ctmodule"]["strings"]
    ru = editions["timeline"]["ru"].spec["usermeta"]["ctmodule"]["strings"]
    assert set(en) == set(web.SCRIPT_STRINGS) and en["none"] == "none"
    assert all(ru[k] != en[k] for k in en), [k for k in en if ru[k] == en[k]]
    assert editions["coder"]["ru"].form_data["strings"] == ru


def test_missing_translation_column_is_an_error_naming_the_file():
    from ctmodule import data

    frame = data.load("elements").drop(columns=["label_ru"])
    with pytest.raises(data.DataError, match=r"elements\.csv.*label_ru"):
        web.data_labels(frame, "label", "ru", "elements")


def test_explorer_variants_use_the_books_markup():
    from ctmodule.book.bilingual import variants_html as book_variants
    from ctmodule.explorers.base import variants_html

    parts = {"en": "<p>a</p>", "ru": "<p>б</p>"}
    assert variants_html(parts) == book_variants(parts)

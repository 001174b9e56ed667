"""The explorers of ctmodule.explorers, built on the real data and driven by setting widget values."""

from __future__ import annotations

import csv
import re

import pytest

pytest.importorskip("ipywidgets")

from ctmodule import explorers as w  # noqa: E402
from ctmodule.explorers import coder  # noqa: E402
from ctmodule.paths import repo_root  # noqa: E402

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
SCORES = {"yes": 1.0, "partial": 0.5, "no": 0.0}


def read_csv(name):
    with open(repo_root() / "data" / f"{name}.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def coded(definition_id):
    """The element scores of one definition, straight from the CSV (independent of ctmodule)."""
    return {r["element_id"]: SCORES[r["value"].strip().lower()]
            for r in read_csv("definition_elements") if r["definition_id"] == definition_id}


def jaccard(a, b):
    keys = set(a) & set(b)
    upper = sum(max(a[k], b[k]) for k in keys)
    return 1.0 if upper == 0 else sum(min(a[k], b[k]) for k in keys) / upper


def check_bundle(explorer, *must_contain):
    bundle = explorer._repr_mimebundle_()
    assert WIDGET_MIME in bundle and "model_id" in bundle[WIDGET_MIME]
    static = bundle["text/html"]
    assert static.startswith('<div class="ctmodule-l10n"><div lang="en" data-l10n-source><section class="ctmodule-explorer"')  # runs in the page (explorers.web), once per language
    assert 'class="ctmodule-static-view"' in static  # the no-JavaScript fallback
    assert "Static view of the default selection" in static and "make lab" in static
    for text in must_contain:
        assert text in static, text
    return static


def check_svg(static):
    """The fallback image of the default view: alt text, its file rendered by the book build."""
    from ctmodule.explorers import web

    imgs = re.findall(r'<img class="ctmodule-explorer-image" (data-ctmodule-image="[^"]+") alt="([^"]+)"', static)
    # one per language variant (English, Russian), each with its alt text in its language
    assert len(imgs) == 2 and all(i[0] == web.IMAGE_MARK for i in imgs), "no fallback image with alt text"
    assert all(len(i[1]) > 40 for i in imgs) and imgs[0][1] != imgs[1][1]
    assert re.search(r"[\u0400-\u04FF]", imgs[1][1]), "the Russian variant's alt text is not Russian"


# --------------------------------------------------------------------------- definition comparator


def test_comparator_score_for_two_known_definitions():
    exp = w.definition_comparator(["unsc_1566", "kz_416_i_art1_5"])
    expected = jaccard(coded("unsc_1566"), coded("kz_416_i_art1_5"))
    assert exp.score == pytest.approx(expected)
    assert 0 < exp.score < 1
    # every element appears once, with both codings and a status
    assert len(exp.result) == len(read_csv("elements"))
    assert set(exp.result.columns) >= {"element", "status"}
    assert "Violence or threat of violence" in exp.shared


@pytest.mark.parametrize("pair", [("unsc_1566", "kz_416_i_art1_5"), ("unsc_1566", "schmid_2011")])
def test_comparator_status_of_each_element(pair):
    """Statuses worked out from the CSV: in all (both yes), partly, only in one, in none."""
    exp = w.definition_comparator(pair)
    a, b = coded(pair[0]), coded(pair[1])
    name_a, name_b = exp._short(pair[0]), exp._short(pair[1])
    labels = {e["element_id"]: e["label"] for e in read_csv("elements")}
    status = dict(zip(exp.result["element"], exp.result["status"], strict=True))
    for e in a:
        if a[e] == b[e] == 1:
            assert status[labels[e]] == "in all"
        elif a[e] == b[e] == 0:
            assert status[labels[e]] == "in none"
        elif a[e] > 0 and b[e] > 0:
            assert status[labels[e]] == "in all (some only partly)"
        elif a[e] > 0:
            assert status[labels[e]] == f"only in {name_a}"
        else:
            assert status[labels[e]] == f"only in {name_b}"
    assert sorted(exp.differ) == sorted(labels[e] for e in a if (a[e] > 0) != (b[e] > 0))


def test_comparator_follows_the_controls():
    exp = w.definition_comparator()
    before = exp.score
    exp.controls["definitions"].value = ("unsc_1566", "uk_ta_2000_s1", "us_22usc2656f")
    pairs = [("unsc_1566", "uk_ta_2000_s1"), ("unsc_1566", "us_22usc2656f"), ("uk_ta_2000_s1", "us_22usc2656f")]
    expected = sum(jaccard(coded(a), coded(b)) for a, b in pairs) / 3
    assert len(exp.pairs) == 3
    assert exp.score == pytest.approx(expected)
    assert exp.score != pytest.approx(before)
    assert f"{exp.score:.2f}" in exp.output.value
    # the agreement score counts shared absences, so it is at least as high here
    exp.controls["method"].value = "agreement"
    assert exp.score >= expected
    # one definition is not enough
    exp.controls["definitions"].value = ("unsc_1566",)
    assert "at least two" in exp.output.value and exp.score != exp.score


def test_comparator_static_view_holds_the_default_selection():
    exp = w.definition_comparator()
    static = check_bundle(exp, "Definition comparator", f"{exp.score:.2f}")
    check_svg(static)
    exp.controls["definitions"].value = ("unsc_1566", "schmid_2011")
    assert exp._repr_mimebundle_()["text/html"] == static  # the static view stays the default


def test_comparator_rejects_unknown_ids():
    with pytest.raises(KeyError, match="nonsense"):
        w.definition_comparator(["unsc_1566", "nonsense"])


# --------------------------------------------------------------------------- instruments


def test_instrument_explorer_filters_and_recounts():
    rows = read_csv("instruments")
    exp = w.instrument_explorer()
    assert exp.count == len(rows)
    assert int(exp.result.to_numpy().sum()) == len(rows)
    exp.controls["scope"].value = ("universal",)
    universal = [r for r in rows if r["scope"] == "universal"]
    assert exp.count == len(universal) == 19
    assert int(exp.result.to_numpy().sum()) == 19
    exp.controls["domain"].value = ("civil aviation",)
    aviation = [r for r in universal if r["domain"] == "civil_aviation"]
    assert exp.count == len(aviation)
    assert list(exp.result.columns) == ["civil aviation"]
    exp.controls["decades"].value = ("1960s", "1970s")
    early = [r for r in aviation if int(r["adopted_date"][:4]) < 1980]
    assert exp.count == len(early) and 0 < len(early) < len(aviation)
    assert f"<strong>{len(early)}</strong> instruments" in exp.output.value


def test_instrument_explorer_empty_selection_and_static_view():
    exp = w.instrument_explorer()
    static = check_bundle(exp, f"<strong>{exp.count}</strong> instruments")
    check_svg(static)
    exp.controls["domain"].value = ()
    assert exp.count == 0 and "No instrument matches" in exp.output.value


# --------------------------------------------------------------------------- timeline


def test_timeline_explorer_by_category_and_period():
    rows = read_csv("events")
    exp = w.timeline_explorer()
    assert len(exp.result) == len(rows)
    exp.controls["categories"].value = ("information_control",)
    info = [r for r in rows if r["category"] == "information_control"]
    assert len(exp.result) == len(info) and set(exp.result["category"]) == {"information_control"}
    exp.controls["years"].value = (2014, 2014)
    in_2014 = [r for r in info if r["date"].startswith("2014")]
    assert len(exp.result) == len(in_2014) >= 1
    assert exp.counts.to_dict() == {"information_control": len(in_2014)}
    exp.controls["categories"].value = ()
    assert exp.result.empty and "No event matches" in exp.output.value


def test_timeline_static_view():
    exp = w.timeline_explorer()
    check_svg(check_bundle(exp, f"<strong>{len(exp.result)}</strong> events"))


# --------------------------------------------------------------------------- case coder


def test_case_coder_right_and_wrong_coding():
    row = {r["case_id"]: r for r in read_csv("cases")}["dvk-ban-2018"]
    exp = w.case_coder("dvk-ban-2018")
    fields = ["securitising_actor", "referent_object", "audience", "extraordinary_measure"]
    for f in fields:
        assert row[f] in exp.controls[f].options  # the right answer is offered
        assert any(d in exp.controls[f].options for d in coder.DISTRACTORS[f])  # and distractors
        exp.controls[f].value = row[f]
    assert "module's coding" not in exp.output.value  # nothing revealed before Check
    exp.controls["check"].click()
    assert exp.correct == 4 and all(exp.verdict.values())
    assert "4 of 4" in exp.output.value
    assert "Yesil" in exp.output.value or "Sources" in exp.output.value
    # a wrong referent object
    exp.controls["referent_object"].value = "Freedom of expression"
    exp.check()
    assert not exp.verdict["referent_object"]
    assert exp.correct == 3
    assert "differs" in exp.output.value and "Freedom of expression" in exp.output.value
    assert row["referent_object"] in exp.output.value


def test_case_coder_switching_case_resets_answers():
    exp = w.case_coder()
    exp.controls["audience"].value = exp.controls["audience"].options[1]
    exp.controls["case"].value = "qaznet-2019"
    assert exp.case == "qaznet-2019"
    assert all(exp.controls[f].value == coder.CHOOSE for f in coder.FIELD_HELP)
    exp.check()
    assert exp.correct == 0 and "no answer" in exp.output.value


def test_case_coder_static_view_shows_case_and_hidden_coding():
    exp = w.case_coder("dvk-ban-2018")
    static = check_bundle(exp, "Democratic Choice of Kazakhstan", "<details>", "Prosecution and courts")
    assert static.index("<details>") < static.index("Prosecution and courts", static.index("<details>"))


def test_case_coder_unknown_case():
    with pytest.raises(KeyError, match="no case"):
        w.case_coder("not-a-case")


# --------------------------------------------------------------------------- build your definition


def scenarios_with(ticked):
    return [r["scenario_id"] for r in read_csv("scenarios") if all(r[e] == "yes" for e in ticked)]


def test_builder_matches_scenarios_by_the_documented_rule():
    exp = w.build_your_definition(["violence_or_threat"])
    assert exp.matched == scenarios_with(["violence_or_threat"])
    exp.set_ticked(["violence_or_threat", "political_motive", "coerce_government"])
    expected = scenarios_with(["violence_or_threat", "political_motive", "coerce_government"])
    assert exp.matched == expected and "sc-08" in expected and "sc-04" not in expected
    exp.controls["non_state_only"].value = True  # driving one checkbox updates too
    assert exp.matched == scenarios_with(
        ["violence_or_threat", "political_motive", "coerce_government", "non_state_only"])
    exp.set_ticked([])
    assert len(exp.matched) == len(read_csv("scenarios"))  # nothing required: everything counts


def test_builder_ranks_definitions_by_similarity():
    ticks = ["violence_or_threat", "intimidate_population", "coerce_government"]
    exp = w.build_your_definition(ticks)
    mine = {e["element_id"]: (1.0 if e["element_id"] in ticks else 0.0) for e in read_csv("elements")}
    ids = [d["definition_id"] for d in read_csv("definitions")]
    expected = {d: jaccard(mine, coded(d)) for d in ids}
    got = dict(zip(exp.result["definition_id"], exp.result["similarity"], strict=True))
    assert got == pytest.approx({d: round(v, 3) for d, v in expected.items()})
    assert list(exp.result["similarity"]) == sorted(exp.result["similarity"], reverse=True)
    top = exp.result.iloc[0]
    assert top["similarity"] == pytest.approx(round(max(expected.values()), 3))
    # what a definition requires beyond the ticks is listed
    unsc = exp.result.set_index("definition_id").loc["unsc_1566"]
    left_out = [e for e, v in coded("unsc_1566").items() if v == 1 and e not in ticks]
    labels = {e["element_id"]: e["label"] for e in read_csv("elements")}
    for e in left_out:
        assert labels[e] in unsc["requires_more"]


def test_builder_static_view():
    exp = w.build_your_definition()
    static = check_bundle(exp, "Your definition requires", "hypothetical scenarios")
    assert f"<strong>{len(exp.matched)} of" in static


def test_import_ctmodule_stays_cheap():
    import subprocess
    import sys

    code = "import sys, ctmodule; print('ipywidgets' in sys.modules, 'pandas' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]


def test_case_coder_offers_whole_cells_even_with_semicolons():
    rows = {r["case_id"]: r for r in read_csv("cases")}
    exp = w.case_coder("dvk-four-2019")
    actor = rows["dvk-four-2019"]["securitising_actor"]
    assert actor in exp.controls["securitising_actor"].options
    exp.controls["securitising_actor"].value = actor
    exp.check()
    assert exp.verdict["securitising_actor"]
    assert exp.correct == 1


def test_instrument_counts_table_adds_up():
    exp = w.instrument_explorer()
    table = exp._counts_table()
    assert table.loc["all domains", "total"] == exp.count
    assert list(table.columns[:-1]) == list(exp.result.index)  # decades as columns

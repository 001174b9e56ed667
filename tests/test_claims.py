"""Tests for ctmodule.analysis.claims (source criticism helpers for chapter 8)."""

from __future__ import annotations

import doctest

import pandas as pd
import pytest

from ctmodule import paths
from ctmodule.analysis import claims as cl


@pytest.fixture
def sources():
    return pd.DataFrame(
        {
            "source_id": ["S1", "S2", "G1", "N1", "M1", "A1"],
            "type": ["media", "blog", "government", "NGO", "news", "academic"],
            "author": ["Brletich, Samantha", "Unlimitedpolitics", "Adilet", "HRW", "RFE/RL", "Heathershaw and Montgomery"],
            "year": [2017, 2021, 2014, 2019, 2002, 2014],
            "title": ["t"] * 6,
            "publisher": ["p"] * 6,
            "url": [""] * 6,
            "bib_key": [""] * 6,
        }
    )


@pytest.fixture
def claims():
    return pd.DataFrame(
        {
            "claim_id": ["C3", "C1", "C2", "C4", "C5"],
            "seed_source_id": ["S2", "S1", "S1", "S2", "S2"],
            "claim": ["DVK founded 2002", "two dozen", "nine at large", "2018 law", "Qaznet July 2019"],
            "status": ["differs", "differs", "unverified", "differs", "confirmed"],
            "checked_against": ["M1;N1", "A1", "", "G1; M1", "M1"],
            "note": ["founded 2001", "19 universal", None, "art. 41-1, 2014", "ok"],
        }
    )


def test_doctests():
    failures, tried = doctest.testmod(cl)
    assert tried > 0 and failures == 0


def test_split_ids():
    assert cl.split_ids("A; B ;;C") == ["A", "B", "C"]
    assert cl.split_ids(None) == []
    assert cl.split_ids(float("nan")) == []
    assert cl.split_ids("") == []


def test_status_by_seed_counts_all_statuses(claims):
    table = cl.status_by_seed(claims)
    assert list(table.columns) == ["confirmed", "differs", "unverified", "total"]
    assert table.loc["S1"].tolist() == [0, 1, 1, 2]
    assert table.loc["S2"].tolist() == [1, 2, 0, 3]


def test_status_by_seed_rejects_unknown_status(claims):
    bad = claims.copy()
    bad.loc[0, "status"] = "false"
    with pytest.raises(ValueError, match="unknown claim status"):
        cl.status_by_seed(bad)


def test_seed_label(sources):
    assert cl.seed_label("S1", sources) == "Brletich (2017)"
    assert cl.seed_label("A1", sources) == "Heathershaw and Montgomery (2014)"
    assert cl.source_label("N1", sources) == "HRW (2019)"
    assert cl.seed_label("nope", sources) == "nope"


def test_contradicted_lists_only_differs_in_order(claims, sources):
    table = cl.contradicted(claims, sources)
    assert table["claim_id"].tolist() == ["C1", "C3", "C4"]
    row = table.set_index("claim_id").loc["C3"]
    assert row["seed"] == "Unlimitedpolitics (2021)"
    assert row["what other sources show"] == "founded 2001"
    assert row["checked against"] == "RFE/RL (2002); HRW (2019)"


def test_sources_for_claim_keeps_order_and_gaps(claims, sources):
    rows = cl.sources_for_claim("C4", claims, sources)
    assert rows["source_id"].tolist() == ["G1", "M1"]
    assert rows["type"].tolist() == ["government", "news"]
    gap = claims.copy()
    gap.loc[gap["claim_id"] == "C4", "checked_against"] = "G1;ZZ"
    rows = cl.sources_for_claim("C4", gap, sources)
    assert rows["source_id"].tolist() == ["G1", "ZZ"]
    assert pd.isna(rows.loc[1, "type"])
    with pytest.raises(KeyError):
        cl.sources_for_claim("C99", claims, sources)


def test_missing_sources(claims, sources):
    assert cl.missing_sources(claims, sources) == []
    gap = claims.copy()
    gap.loc[0, "checked_against"] = "M1;ZZ"
    assert cl.missing_sources(gap, sources) == ["ZZ"]


@pytest.mark.parametrize(
    ("raw", "group"),
    [
        ("government", "government"),
        ("official legal text", "government"),
        ("NGO", "NGO"),
        ("human rights organisation", "NGO"),
        ("news agency", "media"),
        ("blog", "media"),
        ("academic", "academic"),
        ("journal article", "academic"),
        ("intergovernmental", "international organisation"),
        ("UN", "international organisation"),
        ("", "other"),
        (None, "other"),
        ("podcast", "other"),
        ("seed", "media"),
        ("dataset", "academic"),
    ],
)
def test_source_group(raw, group):
    assert cl.source_group(raw) == group


@pytest.mark.parametrize(
    ("kind", "author", "group"),
    [
        ("legal", "Republic of Kazakhstan", "government"),
        ("official", "Ministry of Foreign Affairs of the Republic of Kazakhstan", "government"),
        ("official", "Permanent Mission of the Republic of Kazakhstan to the United Nations", "government"),
        ("official", "United States Mission to the OSCE", "government"),
        ("legal", "United Kingdom Parliament", "government"),
        ("legal", "United Nations Security Council", "international organisation"),
        ("legal", "European Parliament and Council of the European Union", "international organisation"),
        ("official", "International Civil Aviation Organization", "international organisation"),
        ("other", "Office of the United Nations High Commissioner for Human Rights (as reproduced)",
         "international organisation"),
        ("other", "lawyersnjurists.com", "other"),
        ("legal", None, "government"),
        ("official", "Fionnuala Ní Aoláin (UN Special Rapporteur on counter-terrorism)", "international organisation"),
        ("official", "Embassy of the Republic of Uzbekistan in Germany", "government"),
    ],
)
def test_source_group_by_issuer(kind, author, group):
    assert cl.source_group(kind, author) == group


def test_source_types_by_status(claims, sources):
    table = cl.source_types(claims, sources)
    assert list(table.index) == ["confirmed", "differs"]
    assert list(table.columns) == ["government", "NGO", "media", "academic"]
    assert table.loc["differs"].tolist() == [1, 1, 2, 1]
    assert table.loc["confirmed"].tolist() == [0, 0, 1, 0]
    assert int(table.to_numpy().sum()) == 6


def test_source_types_by_seed_and_all(claims, sources):
    by_seed = cl.source_types(claims, sources, by="seed")
    assert by_seed.loc["S1"].sum() == 1
    assert by_seed.loc["S2"].sum() == 5
    total = cl.source_types(claims, sources, by=None)
    assert total.loc["all"].sum() == 6
    with pytest.raises(ValueError):
        cl.source_types(claims, sources, by="year")


def test_plot_status_by_seed(claims, sources):
    fig = cl.plot_status_by_seed(claims, sources)
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["Seed 1: Brletich (2017)", "Seed 2: Unlimitedpolitics (2021)"]
    widths = sorted(p.get_width() for p in ax.patches if p.get_width() > 0)
    assert widths == [1, 1, 1, 2]


def _real_data_available() -> bool:
    try:
        folder = paths.data_dir()
    except FileNotFoundError:
        return False
    return (folder / "claims.csv").is_file() and (folder / "sources.csv").is_file()


@pytest.mark.skipif(not _real_data_available(), reason="data/claims.csv not written yet")
def test_real_claims_table():
    from ctmodule import data

    claims = data.load("claims")
    sources = data.load("sources")
    table = cl.status_by_seed(claims)
    assert len(table) == 2, "the seeds' claims should come from exactly the two seed texts"
    assert table["total"].sum() == int((claims["claimant_type"].astype(str) == "seed_critic").sum())
    assert cl.missing_sources(claims, sources) == []
    assert (table["differs"] > 0).all()
    by_claimant = cl.status_by_claimant(claims)
    assert by_claimant["total"].sum() == len(claims)
    assert by_claimant.loc["Governments and officials", "total"] >= 12
    assert len(cl.contradicted(claims, sources)) == int(by_claimant["differs"].sum())


def test_find_claims(claims):
    hits = cl.find_claims("dvk", claims)
    assert hits["claim_id"].tolist() == ["C3"]
    assert cl.find_claims("41-1", claims)["claim_id"].tolist() == ["C4"]  # found in the note
    assert cl.find_claims("no such words", claims).empty
    assert cl.find_claims("a.b", claims).empty  # plain text, not a regular expression


def test_markdown_table_escapes_and_flattens():
    frame = pd.DataFrame({"a": ["x|y", None], "b": ["line\nbreak", 2.5]})
    text = cl.full_table(frame).data.splitlines()
    assert text[0] == "| a | b |"
    assert text[1] == "|---|---|"
    assert text[2] == "| x\\|y | line break |"
    assert text[3] == "|  | 2.5 |"
    with_index = cl.full_table(frame.set_index("a"), index=True).data.splitlines()
    assert with_index[0] == "| a | b |"


def test_categorical_columns_as_loaded_from_the_schema(claims, sources):
    cat = claims.copy()
    cat["status"] = pd.Categorical(cat["status"], categories=list(cl.STATUSES))
    cat["note"] = cat["note"].astype("string")
    assert cl.status_by_seed(cat).loc["S2"].tolist() == [1, 2, 0, 3]
    assert cl.contradicted(cat, sources)["claim_id"].tolist() == ["C1", "C3", "C4"]
    assert cl.find_claims("41-1", cat)["claim_id"].tolist() == ["C4"]
    assert cl.source_types(cat, sources).loc["differs"].sum() == 5


def test_seed_label_with_nullable_types(sources):
    typed = sources.copy()
    typed["year"] = pd.array([2017, None, 2014, 2019, 2002, 2014], dtype="Int64")
    typed["author"] = typed["author"].astype("string")
    typed.loc[2, "author"] = pd.NA
    assert cl.seed_label("S1", typed) == "Brletich (2017)"
    assert cl.seed_label("S2", typed) == "Unlimitedpolitics"
    assert cl.seed_label("G1", typed) == "p (2014)"  # falls back to the publisher


def test_seed_order_by_year(sources):
    assert cl.seed_order(["S2", "S1"], sources) == ["S1", "S2"]
    later = sources.copy()
    later.loc[later["source_id"] == "S1", "year"] = 2030
    assert cl.seed_order(["S1", "S2"], later) == ["S2", "S1"]
    assert cl.seed_order(["ZZ", "S2"], sources) == ["S2", "ZZ"]  # unknown ids last


@pytest.mark.parametrize(
    ("author", "kind", "label"),
    [
        ("Samantha Brletich", "seed", "Brletich"),
        ("unlimitedpolitics.com", "seed", "unlimitedpolitics.com"),
        ("John Heathershaw; David W. Montgomery", "academic", "Heathershaw and Montgomery"),
        ("Edward Lemon; Vera Mironova; William Tobey", "academic", "Lemon et al."),
        ("Radio Free Europe/Radio Liberty", "news", "Radio Free Europe/Radio Liberty"),
        ("Institute for War and Peace Reporting", "news", "Institute for War and Peace Reporting"),
        ("Office of the United Nations High Commissioner for Human Rights (as reproduced)", "other",
         "Office of the United Nations High Commissioner for Human Rights"),
        ("Wæver, Ole", "other", "Wæver"),
    ],
)
def test_who(author, kind, label):
    assert cl._who(author, kind) == label


def test_markdown_table_html_is_escaped_and_complete():
    long = "x" * 300
    frame = pd.DataFrame({"claim": ["<b>bold</b>", long], "n": [1, None]})
    table = cl.full_table(frame)
    bundle = table._repr_mimebundle_()
    assert set(bundle) == {"text/html", "text/markdown", "text/plain"}
    assert "&lt;b&gt;bold&lt;/b&gt;" in table.html and "<b>bold" not in table.html
    assert long in table.html  # nothing is shortened
    assert table.html.count("<tr>") == 3


@pytest.fixture
def mixed():
    """Claims of seeds and of other claimants, with the claimant columns of the real table."""
    return pd.DataFrame(
        {
            "claim_id": ["C1", "C2", "C3", "O1", "O2", "O3", "U1", "N1"],
            "claimant_type": ["seed_critic", "seed_critic", "seed_critic", "government", "official", "state_media",
                              "international_body", "ngo"],
            "claimant": ["", "", "", "Ministry", "President", "Agency", "UN expert", "HRW"],
            "claimant_source_id": ["S1", "S1", "S2", "G1", "M1", "M1", "G1", "N1"],
            "seed_source_id": ["S1", "S1", "S2", None, None, None, None, None],
            "claim": ["a", "b", "c", "d", "e", "f", "g", "h"],
            "status": ["confirmed", "differs", "unverified", "unverified", "unverified", "differs", "confirmed",
                       "unverified"],
            "checked_against": ["M1", "A1", "G1", "N1", "N1;M1", "A1", "M1", "G1"],
            "note": ["n"] * 8,
        }
    )


def test_status_by_claimant_groups_government_officials_and_state_media(mixed):
    table = cl.status_by_claimant(mixed)
    assert list(table.index) == ["Seed texts (critics)", "Governments and officials", "International bodies", "NGOs"]
    assert list(table.columns) == ["confirmed", "differs", "unverified", "total", "unverified_share"]
    assert table.loc["Governments and officials", ["confirmed", "differs", "unverified", "total"]].tolist() == [0, 1, 2, 3]
    assert table.loc["Seed texts (critics)", "total"] == 3
    assert table.loc["Governments and officials", "unverified_share"] == pytest.approx(2 / 3)
    assert int(table["total"].sum()) == len(mixed)


def test_status_by_claimant_by_type_keeps_vocabulary_order(mixed):
    table = cl.status_by_claimant(mixed.iloc[::-1], by="type")
    assert list(table.index) == ["seed_critic", "government", "official", "state_media", "international_body", "ngo"]
    assert table.loc["state_media", "differs"] == 1
    with pytest.raises(ValueError, match="by must be"):
        cl.status_by_claimant(mixed, by="seed")


def test_status_by_claimant_rejects_bad_or_missing_types(mixed):
    bad = mixed.copy()
    bad.loc[3, "claimant_type"] = "goverment"
    bad.loc[4, "claimant_type"] = None
    with pytest.raises(ValueError, match=r"unknown claimant_type for 2 claim\(s\) \(O1: goverment, O2: \(empty\)"):
        cl.status_by_claimant(bad)
    with pytest.raises(ValueError, match="no claimant_type column"):
        cl.status_by_claimant(mixed.drop(columns="claimant_type"))
    unknown = mixed.copy()
    unknown.loc[0, "status"] = "false"
    with pytest.raises(ValueError, match="unknown claim status"):
        cl.status_by_claimant(unknown)


def test_status_by_claimant_with_categorical_columns(mixed):
    cat = mixed.copy()
    cat["claimant_type"] = pd.Categorical(cat["claimant_type"], categories=list(cl.CLAIMANT_TYPES))
    cat["status"] = pd.Categorical(cat["status"], categories=list(cl.STATUSES))
    assert cl.status_by_claimant(cat).equals(cl.status_by_claimant(mixed))


def test_seed_functions_ignore_other_claimants(mixed, sources):
    table = cl.status_by_seed(mixed)
    assert list(table.index) == ["S1", "S2"]
    assert int(table["total"].sum()) == 3
    by_seed = cl.source_types(mixed, sources, by="seed")
    assert set(by_seed.index) == {"S1", "S2"}
    by_claimant = cl.source_types(mixed, sources, by="claimant")
    assert by_claimant.loc["Governments and officials"].sum() == 4
    assert cl.missing_sources(mixed, sources) == []
    gap = mixed.copy()
    gap.loc[3, "claimant_source_id"] = "ZZ"
    assert cl.missing_sources(gap, sources) == ["ZZ"]


def test_contradicted_names_every_claimant(mixed, sources):
    table = cl.contradicted(mixed, sources)
    assert table["claim_id"].tolist() == ["C2", "O3"]
    assert table["claimant"].tolist() == ["Brletich (2017)", "Agency"]
    assert table["claimant_type"].tolist() == ["seed_critic", "state_media"]


def test_describe_status_by_claimant_says_every_number(mixed):
    text = cl.describe_status_by_claimant(cl.status_by_claimant(mixed))
    assert text.startswith("Seed texts (critics): 3 claims, of which 1 is confirmed, 1 differs from other sources")
    assert "Governments and officials: 3 claims, of which 0 are confirmed, 1 differs from other sources and 2 are unverified." in text
    assert "NGOs: 1 claim, of which 0 are confirmed, 0 differ from other sources and 1 is unverified." in text


def test_plot_status_by_claimant_draws_shares_with_counts(mixed):
    fig = cl.plot_status_by_claimant(mixed)
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["Seed texts (critics) (n=3)", "Governments and officials (n=3)", "International bodies (n=1)",
                      "NGOs (n=1)"]
    # each bar adds up to the whole of that claimant's claims
    ends = {}
    for p in ax.patches:
        if p.get_width() > 0:
            y = round(p.get_y(), 6)
            ends[y] = max(ends.get(y, 0), p.get_x() + p.get_width())
    assert all(abs(v - 1) < 1e-9 for v in ends.values()) and len(ends) == 4
    assert sorted(t.get_text() for t in ax.texts) == ["1", "1", "1", "1", "1", "1", "2"]


def test_claims_by_group_or_type(mixed, sources):
    gov = cl.claims_by("Governments and officials", mixed, sources)
    assert gov["claim_id"].tolist() == ["O1", "O2", "O3"]
    assert list(gov.columns) == ["claim_id", "claimant", "claim", "verdict", "what other sources show"]
    assert gov["claimant"].tolist() == ["Ministry", "President", "Agency"]
    assert cl.claims_by(None, mixed, sources, kinds="ngo")["claim_id"].tolist() == ["N1"]
    assert cl.claims_by("Seed texts (critics)", mixed, sources, kinds=["seed_critic"])["claimant"].tolist() == [
        "Brletich (2017)", "Brletich (2017)", "Unlimitedpolitics (2021)"]
    assert len(cl.claims_by(None, mixed, sources)) == len(mixed)
    with pytest.raises(ValueError, match="unknown claimant group"):
        cl.claims_by("Governments", mixed, sources)
    with pytest.raises(ValueError, match="unknown claimant_type"):
        cl.claims_by(None, mixed, sources, kinds=["press"])


def test_confirmed_share_among_all_and_among_checkable_claims(mixed):
    table = cl.confirmed_share_by_claimant(mixed)
    assert list(table.index) == ["Seed texts (critics)", "Governments and officials", "International bodies", "NGOs"]
    assert list(table.columns) == ["confirmed", "checkable", "total", "share_all", "share_checked", "rank_all",
                                   "rank_checked"]
    seeds = table.loc["Seed texts (critics)"]
    assert [int(seeds[c]) for c in ("confirmed", "checkable", "total")] == [1, 2, 3]
    assert seeds["share_all"] == pytest.approx(1 / 3) and seeds["share_checked"] == pytest.approx(1 / 2)
    # a group whose claims are all unverified has no share among the checkable claims, and no rank
    assert pd.isna(table.loc["NGOs", "share_checked"]) and pd.isna(table.loc["NGOs", "rank_checked"])
    # equal shares share the better rank
    assert table["rank_all"].tolist() == [2.0, 3.0, 1.0, 3.0]
    assert table["rank_checked"].tolist()[:3] == [2.0, 3.0, 1.0]
    assert cl.rank_changes(table) == ["NGOs"]


def test_confirmed_share_with_a_coarser_grouping(mixed):
    table = cl.confirmed_share_by_claimant(mixed, by=cl.BROAD_GROUPS)
    assert list(table.index) == ["Seed texts (critics)", "Governments and officials", "International bodies and NGOs"]
    outside = table.loc["International bodies and NGOs"]
    assert [int(outside[c]) for c in ("confirmed", "checkable", "total")] == [1, 1, 2]
    assert outside["share_all"] == pytest.approx(0.5) and outside["share_checked"] == pytest.approx(1.0)
    assert cl.rank_changes(table) == []
    # three more unverified claims for the seeds, and one confirmed for the governments: the seeds fall
    # below the governments among all claims, but tie with them among the checkable claims
    extra = mixed.iloc[[2, 2, 2]].assign(claim_id=["C4", "C5", "C6"], status="unverified")
    gov = mixed.assign(status=mixed["status"].mask(mixed["claim_id"] == "O1", "confirmed"))
    changed = cl.confirmed_share_by_claimant(pd.concat([gov, extra], ignore_index=True), by=cl.BROAD_GROUPS)
    # seeds: 1 of 6 confirmed, 1 of 2 checkable; governments: 1 of 3, 1 of 2
    assert changed["rank_all"].tolist() == [3.0, 2.0, 1.0]
    assert changed["rank_checked"].tolist() == [2.0, 2.0, 1.0]
    assert cl.rank_changes(changed) == ["Seed texts (critics)"]


def test_confirmed_share_by_type_and_bad_groupings(mixed):
    by_type = cl.confirmed_share_by_claimant(mixed, by="type")
    assert list(by_type.index) == ["seed_critic", "government", "official", "state_media", "international_body", "ngo"]
    assert int(by_type["total"].sum()) == len(mixed)
    with pytest.raises(ValueError, match=r"no group for the claimant types \['ngo'\]"):
        cl.confirmed_share_by_claimant(mixed, by={k: v for k, v in cl.BROAD_GROUPS.items() if k != "ngo"})
    with pytest.raises(ValueError, match="by must be"):
        cl.confirmed_share_by_claimant(mixed, by="seed")
    unknown = mixed.copy()
    unknown.loc[0, "status"] = "false"
    with pytest.raises(ValueError, match="unknown claim status"):
        cl.confirmed_share_by_claimant(unknown, by=cl.BROAD_GROUPS)


def test_both_verdict_figures_use_the_same_colours_and_hatches(mixed, sources):
    """The seeds' figure and the claimants' figure draw each status alike (one bar builder)."""
    def styles(fig):
        ax = fig.axes[0]
        handles, labels = ax.get_legend_handles_labels()
        return [(label, h.patches[0].get_facecolor(), h.patches[0].get_hatch()) for h, label in zip(handles, labels,
                                                                                                   strict=True)]

    seeds = styles(cl.plot_status_by_seed(mixed, sources))
    claimants = styles(cl.plot_status_by_claimant(mixed))
    assert seeds == claimants
    assert [s[0] for s in seeds] == [cl.STATUS_LABELS[s] for s in cl.STATUSES]
    assert [s[2] for s in seeds] == ["", "//", ".."]


def test_the_claims_figure_in_russian(mixed):
    import re

    from ctmodule.analysis.plotting import figure_texts

    assert set(cl.STATUS_LABELS) == set(cl.STATUSES) and set(cl.CLAIMANT_LABELS) == set(cl.CLAIMANT_TYPES)
    fig = cl.plot_status_by_claimant(mixed, lang="ru")
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "Исходные тексты (критики) (n=3)", "Правительства и должностные лица (n=3)", "Международные органы (n=1)",
        "НПО (n=1)"]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "Подтверждено другими источниками", "Другие источники расходятся", "Не проверено"]
    assert not [s for s in figure_texts(fig) if re.search(r"[A-Za-z]{3}", s)]

"""The print edition: the book and the instructor's guide as PDF, built with XeLaTeX and checked.

``ctmodule pdf`` (``make pdf``) builds from the same sources as the site:

1. it writes the PDF build's configuration and table of contents next to the site's
   (:func:`write_project`): the same ``_config.yml`` with the LaTeX settings added (XeLaTeX, whose
   fonts cover Latin and Cyrillic; solutions hidden in the chapters; URLs printed as footnotes) and
   the same ``_toc.yml`` with the print-only appendices (solutions, quiz answer key) added. Nothing
   is copied by hand, so the print edition cannot drift from the site;
2. it runs Jupyter Book's LaTeX builder (the notebooks' outputs come from the same execution cache
   as the site's) and XeLaTeX through latexmk, for two documents: the whole book and the
   instructor's guide on its own;
3. it checks each PDF (:func:`check_pdf`) and fails on any problem: every chapter title in the text
   (``pdftotext``), every font embedded (``pdffonts``), no unresolved reference ("??") and no
   missing character in the LaTeX log, no blank page among those rendered (``pdftoppm``), no
   hyperlink-only wording ("click here").

The PDFs land in ``_build/pdf/``; ``make book`` copies them into the site when they exist.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ctmodule.book.sources import (  # noqa: F401 (part of this module's interface)
    HANDOUTS_PAGE,
    INPUT_SUFFIXES,
    INPUTS,
    PRINT_APPENDICES,
    inputs_digest,
    outside_toc,
    toc_files,
)
from ctmodule.l10n import N_
from ctmodule.paths import repo_root

#: Site pages the print edition leaves out (the page that links to the PDFs).
SITE_ONLY = ["appendix/print-edition", "appendix/slides"]
#: The documents built: (start document, .tex name, title suffix, Sphinx class).
BOOK_TEX = "ctmodule-book.tex"
GUIDE_TEX = "ctmodule-instructor-guide.tex"
GUIDE_DOC = "appendix/instructor-guide"
#: The classroom handouts on their own, one role or sheet a page: a print-only page that the
#: generator fills from the simulations' ``{div} handout`` blocks (ctmodule.book.sphinxext); it is
#: in no table of contents (``orphan``), so it starts its own document and stays out of the book's.
HANDOUTS_TEX = "ctmodule-handouts.tex"
HANDOUTS_DOC = HANDOUTS_PAGE
#: The handouts page's title (its H1), as the page has it in English.
HANDOUTS_TITLE = "Classroom handouts"
#: The handouts' document title ({title}: the book's, in the edition's language).
HANDOUTS_DOC_TITLE = N_("{title}: Classroom handouts")
#: The instructor's guide's document title ({title}: the book's, in the edition's language).
GUIDE_TITLE = N_("{title}: Instructor's guide")
#: The language of the sources; the print edition in another language is built from its catalogs.
SOURCE_LANGUAGE = "en"
#: Wording that only works on a screen.
SCREEN_ONLY = re.compile(r"\bclick (here|this|below)\b|\bhere\s*\]\(", re.I)
#: What the LaTeX log says when a glyph is not in the font, or a reference did not resolve.
MISSING_CHAR = re.compile(r"Missing character: There is no (.+?) in font (.+?)!")
UNDEFINED_REF = re.compile(r"(?:Reference|Citation|Hyper reference) [`'](.+?)' on page \d+ undefined")


BBM_SHIM = ("\\NeedsTeXFormat{LaTeX2e}\n\\ProvidesPackage{bbm}[2026/12/03 ctmodule stand-in]\n"
            "\\RequirePackage{amssymb}\n\\providecommand{\\mathbbm}[1]{\\mathbb{#1}}\n")


class PdfError(RuntimeError):
    """A step of the PDF build failed (the message names the step and the log to read)."""


_EXERCISE_TITLE = re.compile(r"\\label\{exercise:([^}]+)\}\s*\\begin\{sphinxadmonition\}\{note\}\{([^}]*)\}")
_EXERCISE_REF = re.compile(
    r"\\hyperref\[\\detokenize\{[^}]*:([^}:]+)\}\]\{[^{}]*\\ref\{\\detokenize\{[^}]*\}\}\}")


#: A reference to an exercise in print: its title and its page (LaTeX's ``\\pageref``).
# Translators: {title} is an exercise's title ("Exercise 2"), {page} its page; "p." abbreviates "page".
EXERCISE_PAGE_REF = N_("{title} (p. {page})")


def fix_exercise_refs(tex: str, lang: str = SOURCE_LANGUAGE) -> str:
    """Point references to exercises at the labels sphinx-exercise writes in LaTeX.

    sphinx-exercise labels an exercise ``exercise:<label>`` but Sphinx writes references to it as
    ``<document>:<label>``, which LaTeX cannot resolve; and ``\\ref`` would give the section's
    number, not the exercise's. A reference becomes the exercise's own title with its page
    ("Exercise 2 (p. 31)"; in the edition's language ``lang``: "Упражнение 2 (с. 31)").
    """
    from ctmodule.l10n import gettext

    titles = dict(_EXERCISE_TITLE.findall(tex))
    # a non-breaking space between the abbreviation and the number, as LaTeX typesets it
    pattern = gettext(EXERCISE_PAGE_REF, lang).replace(". {page}", ".~{page}")

    def repl(m: re.Match) -> str:
        label = m.group(1)
        if label not in titles:
            return m.group(0)
        ref = pattern.format(title=titles[label], page=f"\\pageref{{exercise:{label}}}")
        return f"\\hyperref[exercise:{label}]{{{ref}}}"

    return _EXERCISE_REF.sub(repl, tex)


def _load_yaml(path: Path) -> dict:
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise PdfError(f"{path}: not valid YAML: {exc}") from exc


def pdf_config(config: dict, title: str, lang: str = SOURCE_LANGUAGE) -> dict:
    """The site's configuration with the print edition's LaTeX settings added.

    ``lang``: the edition's language (its configuration from
    :func:`ctmodule.book.i18n.edition_config`: Sphinx's ``language``, which makes the LaTeX
    writer load polyglossia with that language's hyphenation, and the catalogs). The other
    documents' titles are the code's messages in that language (the handouts page, generated from
    the classroom pages' sources, is translated by their catalogs: ctmodule.book.sphinxext)."""
    from ctmodule.l10n import gettext

    config = json.loads(json.dumps(config))  # a deep copy of plain data
    config.setdefault("latex", {})
    config["latex"].update({
        "latex_engine": "xelatex",
        "use_jupyterbook_latex": True,
        "latex_documents": {"targetname": BOOK_TEX},
    })
    sphinx = config.setdefault("sphinx", {}).setdefault("config", {})
    author = config.get("author", "")
    sphinx.update({
        # solutions go to an appendix in print (appendix/print-solutions.md)
        "ctmodule_solutions_in_appendix": True,
        # the print views of quizzes and explorers are Markdown with tables and images
        "nb_render_markdown_format": "gfm",
        "latex_show_urls": "footnote",
        # outputs that exist only for the screen (the quizzes' scripts) have nothing to print
        "suppress_warnings": list(sphinx.get("suppress_warnings", [])) + ["mystnb.mime_priority"],
        "latex_show_pagerefs": True,
        # makeindex, not xindy (not in the TeX packages .ci/run installs); the book has no index
        "latex_use_xindy": False,
        "latex_domain_indices": False,
        # Jupyter Book accepts one LaTeX document; the guide is added once Sphinx has read the
        # sources (ctmodule.book.sphinxext)
        "ctmodule_latex_extra_documents": [
            [GUIDE_DOC, GUIDE_TEX, gettext(GUIDE_TITLE, lang).format(title=title), author, "manual"],
            [HANDOUTS_DOC, HANDOUTS_TEX, gettext(HANDOUTS_DOC_TITLE, lang).format(title=title), author, "howto"],
        ],
        "latex_elements": {
            "papersize": "a4paper",
            "pointsize": "11pt",
            # GNU FreeFont (Debian fonts-freefont-otf) covers Latin, Cyrillic and Kazakh letters
            "fontpkg": "\\setmainfont{FreeSerif}\n\\setsansfont{FreeSans}\n\\setmonofont{FreeMono}\n",
            # a classroom handout (a `{div} handout` block) starts on a new page, as in the site's
            # print style
            "preamble": "\\usepackage{xurl}\n\\setcounter{tocdepth}{1}\n"
                        "\\newenvironment{sphinxclasshandout}{\\clearpage}{}\n",
            "figure_align": "H",
            # one-sided: no deliberately blank pages, and the page check can demand ink on each
            "extraclassoptions": "openany,oneside",
        },
    })
    return config


def pdf_toc(toc: dict) -> dict:
    """The site's table of contents with the print-only appendices added to its last part."""
    toc = json.loads(json.dumps(toc))
    parts = toc.get("parts") or []
    if not parts:
        raise PdfError("_toc.yml: the book has no parts to add the print appendices to")
    for part in parts:
        part["chapters"] = [c for c in part.get("chapters", []) if c.get("file") not in SITE_ONLY]
    appendices = next((p for p in parts if str(p.get("caption", "")).lower().startswith("append")), parts[-1])
    listed = [c.get("file") for c in appendices.setdefault("chapters", [])]
    at = listed.index("appendix/bibliography") if "appendix/bibliography" in listed else len(listed)
    for offset, page in enumerate(p for p in PRINT_APPENDICES if p not in listed):
        appendices["chapters"].insert(at + offset, {"file": page})
    return toc


def handout_layout_problems(page_texts: list[str], titles: list[str]) -> list[str]:
    """Each handout's title on exactly one page, and no page holding two handouts' titles."""
    problems = []
    pages = [_normalise(p) for p in page_texts]
    for title in titles:
        on = [i + 1 for i, p in enumerate(pages) if _normalise(title) in p]
        if len(on) != 1:
            problems.append(f"handout {title!r} is on pages {on} (expected exactly one page)")
    for i, p in enumerate(pages):
        here = [t for t in titles if _normalise(t) in p]
        if len(here) > 1:
            problems.append(f"page {i + 1} holds more than one handout: {here}")
    return problems


def write_project(root: Path, out: Path, lang: str = SOURCE_LANGUAGE) -> tuple[Path, Path]:
    """Write the PDF build's ``_config.yml`` and ``_toc.yml`` into ``out``; return their paths.

    In another language than the sources', the configuration is that edition's
    (:func:`ctmodule.book.i18n.edition_config`: the same catalogs and translated title as its
    site), with the print settings added."""
    config = _load_yaml(root / "_config.yml")
    if lang != SOURCE_LANGUAGE:
        from ctmodule.book.i18n import edition_config

        config = edition_config(config, root, lang)
    execute = config.setdefault("execute", {})
    if not execute.get("cache"):  # the site's cache (Jupyter Book's default place), shared
        execute["cache"] = str(root / "_build" / ".jupyter_cache")
    toc = _load_yaml(root / "_toc.yml")
    out.mkdir(parents=True, exist_ok=True)
    cfg_path, toc_path = out / "_config.yml", out / "_toc.yml"
    cfg = pdf_config(config, config.get("title", ""), lang)
    # Sphinx reads the print toc's pages and the handouts page, which no toc lists: instead of
    # "only the toc's files", everything else is excluded by name
    cfg["only_build_toc_files"] = False
    cfg["exclude_patterns"] = list(cfg.get("exclude_patterns") or []) + outside_toc(
        root, pdf_toc(toc), keep=[HANDOUTS_DOC], skip=cfg.get("exclude_patterns") or [])
    cfg_path.write_text(yaml.safe_dump(cfg, sort_keys=False, allow_unicode=True), encoding="utf-8")
    ptoc = pdf_toc(toc)
    toc_path.write_text(yaml.safe_dump(ptoc, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return cfg_path, toc_path


def translated_title(root: Path, page: str, title: str, lang: str) -> str:
    """A page's title (its H1) in ``lang``, from the page's catalog
    (``locales/<lang>/LC_MESSAGES/<page>.po``); a title the catalog lacks is an error naming it."""
    if lang == SOURCE_LANGUAGE:
        return title
    from ctmodule.book.i18n import LOCALES, translations

    po = root / LOCALES / lang / "LC_MESSAGES" / f"{page}.po"
    done = translations(po)
    if title not in done:
        raise PdfError(f"{po}: the title {title!r} has no translation (make catalogs, then translate it)")
    return done[title]


def chapter_titles(root: Path, lang: str = SOURCE_LANGUAGE) -> dict[str, str]:
    """The H1 of every chapter notebook, by file stem, in ``lang`` (from the chapters' catalogs)."""
    from ctmodule.book.printed import notebook_markdown

    return {p.stem: translated_title(root, f"chapters/{p.stem}", notebook_markdown(p)[0], lang)
            for p in sorted((root / "chapters").glob("[0-9][0-9]-*.ipynb"))}


def guide_title(root: Path, lang: str = SOURCE_LANGUAGE) -> str:
    """The instructor's guide's H1 in ``lang``."""
    text = (root / f"{GUIDE_DOC}.md").read_text(encoding="utf-8")
    m = re.search(r"^# (.+)$", text, re.M)
    return translated_title(root, GUIDE_DOC, m.group(1).strip() if m else "Instructor's guide", lang)


def handout_titles(root: Path, lang: str = SOURCE_LANGUAGE) -> list[str]:
    """The title of every handout (``Handout: Chair``, ``Sheet A: ...``) in ``lang``, from its
    classroom page's catalog; a title the catalog lacks is an error naming it."""
    from ctmodule.book.classroom import PAGES, handouts

    titles = []
    for page in PAGES:
        text = (root / page).read_text(encoding="utf-8")
        titles += [translated_title(root, page.removesuffix(".md"), h.title, lang) for h in handouts(text)]
    return titles


def pdf_name(tex: str, lang: str = SOURCE_LANGUAGE) -> str:
    """The PDF file of a document in an edition: ``ctmodule-book.pdf``, ``ctmodule-book.ru.pdf``."""
    stem = tex.removesuffix(".tex")
    return f"{stem}.pdf" if lang == SOURCE_LANGUAGE else f"{stem}.{lang}.pdf"


def documents(lang: str = SOURCE_LANGUAGE) -> list[str]:
    """The documents (``.tex`` names) the print edition in ``lang`` has."""
    return [BOOK_TEX, GUIDE_TEX, HANDOUTS_TEX]


def editions(root: Path) -> list[str]:
    """The languages the print edition is built in: the sources', then each with catalogs."""
    from ctmodule.book.i18n import languages

    return [SOURCE_LANGUAGE] + [lang for lang in languages(root) if lang != SOURCE_LANGUAGE]


def expected_pdfs(root: Path) -> list[str]:
    """Every PDF file ``ctmodule pdf`` writes into ``_build/pdf/``."""
    return [pdf_name(tex, lang) for lang in editions(root) for tex in documents(lang)]


def _tool(name: str) -> str:
    path = shutil.which(name)
    if not path:
        raise PdfError(f"{name} not found: install poppler-utils and texlive-xetex (Debian), "
                       "as .ci/run does")
    return path


def _run(cmd: list[str], *, cwd: Path | None = None, log: Path | None = None, timeout: int = 1800) -> str:
    # TeX wraps its log at 79 characters unless told otherwise; the checks read whole lines
    env = dict(os.environ, max_print_line="100000", error_line="254", half_error_line="238")
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          encoding="utf-8", errors="replace", env=env)
    if log is not None:
        log.write_text(proc.stdout + proc.stderr, encoding="utf-8")
    if proc.returncode:
        tail = "\n".join((proc.stdout + proc.stderr).splitlines()[-30:])
        where = f" (full log: {log})" if log else ""
        raise PdfError(f"{' '.join(cmd[:3])} ... failed with exit code {proc.returncode}{where}:\n{tail}")
    return proc.stdout


def _normalise(text: str) -> str:
    """PDF text compared with titles: ligatures, hyphenation at line ends and spacing undone."""
    text = text.replace("\ufb01", "fi").replace("\ufb02", "fl").replace("\ufb00", "ff")
    text = re.sub(r"-\n(?=[a-zа-яё])", "", text)
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return re.sub(r"\s+", " ", text).lower()


@dataclass
class PdfReport:
    path: Path
    pages: int = 0
    problems: list[str] = field(default_factory=list)


def pdf_pages(path: Path) -> int:
    out = _run([_tool("pdfinfo"), str(path)])
    m = re.search(r"^Pages:\s+(\d+)", out, re.M)
    return int(m.group(1)) if m else 0


def unembedded_fonts(pdffonts_output: str) -> list[str]:
    """The fonts ``pdffonts`` lists as not embedded (its ``emb`` column is ``no``)."""
    lines = pdffonts_output.splitlines()
    header = next((i for i, line in enumerate(lines) if line.startswith("name")), None)
    if header is None:
        return []
    cols = lines[header].split()
    emb = cols.index("emb") if "emb" in cols else None
    bad = []
    for line in lines[header + 2:]:
        parts = line.split()
        if not parts or emb is None:
            continue
        # the name may be absent ("[none]") and the type has spaces: count from the right
        from_right = len(cols) - emb
        if len(parts) >= from_right and parts[-from_right] == "no":
            bad.append(parts[0])
    return bad


def log_problems(log_text: str) -> list[str]:
    """Missing characters and unresolved references reported in a LaTeX log."""
    problems = [f"missing character {m.group(1)} in font {m.group(2)}" for m in MISSING_CHAR.finditer(log_text)]
    problems += [f"unresolved reference {m.group(1)}" for m in UNDEFINED_REF.finditer(log_text)]
    if re.search(r"There were undefined references", log_text):
        problems.append("LaTeX: there were undefined references")
    return sorted(set(problems))


def text_problems(text: str, titles: list[str]) -> list[str]:
    """What the PDF's text lacks or has that it should not: missing titles, "??", screen-only words."""
    flat = _normalise(text)
    problems = [f"title not found in the text: {t!r}" for t in titles if _normalise(t).strip() not in flat]
    if re.search(r"(?<![?\w])\?\?(?![?\w])", text):
        problems.append('an unresolved reference ("??") in the text')
    for m in SCREEN_ONLY.finditer(text):
        problems.append(f"screen-only wording: {m.group(0)!r}")
    return problems


def blank_pages(path: Path, workdir: Path, *, first: int = 1, last: int | None = None) -> list[int]:
    """The pages that render (``pdftoppm``, at low resolution) to a uniformly white image."""
    workdir.mkdir(parents=True, exist_ok=True)
    for old in workdir.glob("page-*.pgm"):
        old.unlink()
    cmd = [_tool("pdftoppm"), "-r", "12", "-gray", "-f", str(first)]
    if last is not None:
        cmd += ["-l", str(last)]
    _run(cmd + [str(path), str(workdir / "page")])
    blank = []
    for f in sorted(workdir.glob("page-*.pgm")):
        data = f.read_bytes()
        # binary PGM: magic, size and maxval on three lines, then one byte per pixel
        pixels = data.split(b"\n", 3)[3] if data.count(b"\n") >= 3 else b""
        if not pixels or min(pixels) > 250:
            blank.append(int(f.stem.rsplit("-", 1)[1]))
        f.unlink()
    return blank


def check_pdf(path: Path, log: Path | None, titles: list[str], workdir: Path) -> PdfReport:
    """Check one PDF; the report lists every problem (empty: the PDF passes)."""
    report = PdfReport(path)
    if not path.exists() or path.stat().st_size == 0:
        report.problems.append("no PDF was written")
        return report
    report.pages = pdf_pages(path)
    text = _run([_tool("pdftotext"), "-layout", str(path), "-"])
    report.problems += text_problems(text, titles)
    fonts = unembedded_fonts(_run([_tool("pdffonts"), str(path)]))
    report.problems += [f"font not embedded: {f}" for f in fonts]
    if log is not None and log.exists():
        report.problems += log_problems(log.read_text(encoding="utf-8", errors="replace"))
    report.problems += [f"page {p} renders blank" for p in blank_pages(path, workdir)]
    return report


def build(root: Path, *, jb: str, strict: bool = True, langs: list[str] | None = None) -> dict:
    """Build and check the PDFs of every edition (``langs``: default all); return timings, page
    counts and problems. Timings are keyed ``sphinx_latex_s`` (English) and ``sphinx_latex_<lang>_s``."""
    out = root / "_build" / "pdf"
    out.mkdir(parents=True, exist_ok=True)
    timings, results = {}, {}
    for lang in langs or editions(root):
        t, r = build_edition(root, lang, jb=jb, strict=strict, out=out)
        timings.update(t)
        results.update(r)
    return {"timings": timings, "documents": results}


def build_edition(root: Path, lang: str, *, jb: str, strict: bool, out: Path) -> tuple[dict, dict]:
    """One edition's PDFs: the LaTeX build from its configuration (its own Sphinx environment,
    the site's execution cache: no notebook runs again), XeLaTeX through latexmk (as many passes
    as the cross-references need), and the checks with the titles in that language."""
    en = lang == SOURCE_LANGUAGE
    project = root / "_build" / ("pdf-project" if en else f"pdf-project-{lang}")
    cfg, toc = write_project(root, project, lang)
    timing_key = "sphinx_latex_s" if en else f"sphinx_latex_{lang}_s"
    t0 = time.monotonic()
    flags = ["-W", "-n", "--keep-going"] if strict else []
    # Its own output folder (so its own Sphinx environment: the site's is not invalidated by the
    # print settings), and the site's execution cache (write_project points at it)
    _run([jb, "build", str(root), "--builder", "latex", "--config", str(cfg), "--toc", str(toc),
          "--path-output", str(project), *flags], log=project / "sphinx.log")
    timings = {timing_key: round(time.monotonic() - t0, 1)}
    latex_dir = project / "_build" / "latex"
    # sphinx-jupyterbook-latex's document class asks for bbm (blackboard letters, in Debian's
    # 1.4 GB texlive-fonts-extra) for macros this book never uses: amssymb's \mathbb stands in
    (latex_dir / "bbm.sty").write_text(BBM_SHIM, encoding="utf-8")
    results = {}
    titles = chapter_titles(root, lang)
    expected = {BOOK_TEX: list(titles.values()), GUIDE_TEX: [guide_title(root, lang)]}
    sheets = []
    if HANDOUTS_TEX in documents(lang):
        sheets = handout_titles(root, lang)
        expected[HANDOUTS_TEX] = [translated_title(root, HANDOUTS_DOC, HANDOUTS_TITLE, lang), *sheets]
    for tex in documents(lang):
        t1 = time.monotonic()
        tex_path = latex_dir / tex
        tex_path.write_text(fix_exercise_refs(tex_path.read_text(encoding="utf-8"), lang), encoding="utf-8")
        log = project / (Path(tex).stem + ".latexmk.log")
        _run([_tool("latexmk"), "-xelatex", "-interaction=nonstopmode", "-halt-on-error", "-file-line-error",
              tex], cwd=latex_dir, log=log)
        pdf = latex_dir / tex.replace(".tex", ".pdf")
        target = out / pdf_name(tex, lang)
        shutil.copy2(pdf, target)
        report = check_pdf(target, latex_dir / tex.replace(".tex", ".log"), expected[tex], project / "pages")
        if tex == HANDOUTS_TEX and not report.problems:
            pages = _run([_tool("pdftotext"), str(target), "-"]).split("\f")
            report.problems += handout_layout_problems(pages, sheets)
        passes = len(re.findall(r"^Run number \d+ of rule '(?:xe)?latex'", log.read_text(encoding="utf-8",
                                errors="replace"), re.M))
        results[target.name] = {"lang": lang, "pages": report.pages, "seconds": round(time.monotonic() - t1, 1),
                                "latex_passes": passes, "problems": report.problems}
    return timings, results


def tex_available() -> str | None:
    """Why the PDFs cannot be built here (a missing program), or None."""
    for tool in ("xelatex", "latexmk", "pdftotext", "pdffonts", "pdftoppm", "pdfinfo"):
        if not shutil.which(tool):
            return f"{tool} is not installed"
    return None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--root", type=Path, default=None, help="the book's folder (default: this repository)")
    parser.add_argument("--jupyter-book", default=None, help="the jupyter-book command (default: beside python)")
    parser.add_argument("--report", type=Path, default=None, help="write timings, pages and problems as JSON")
    parser.add_argument("--no-strict", action="store_true", help="do not treat Sphinx warnings as errors")
    parser.add_argument("--if-available", action="store_true",
                        help="skip (exit 0, with a message) when XeLaTeX or poppler is not installed")
    parser.add_argument("--force", action="store_true", help="rebuild even when no input changed")
    parser.add_argument("--lang", action="append", default=None,
                        help="build only this edition (repeatable; default: English and every language "
                             "with catalogs); the up-to-date check is skipped")


def run(args: argparse.Namespace) -> int:
    root = (args.root or repo_root()).resolve()
    jb = args.jupyter_book or str(Path(sys.executable).with_name("jupyter-book"))
    missing = tex_available()
    if missing:
        advice = ("install Debian's texlive-xetex, texlive-latex-extra, texlive-fonts-recommended, "
                  "tex-gyre, fonts-freefont-otf, texlive-lang-cyrillic, latexmk and poppler-utils "
                  "(.ci/run does)")
        if args.if_available:
            print(f"ctmodule pdf: skipped, {missing}; to build the print edition, {advice}", file=sys.stderr)
            return 0
        print(f"ctmodule pdf: {missing}: {advice}", file=sys.stderr)
        return 1
    out = root / "_build" / "pdf"
    stamp = out / "inputs.sha256"
    digest = inputs_digest(root)
    built = [out / name for name in expected_pdfs(root)]
    if (not args.force and not args.lang and stamp.exists() and stamp.read_text().strip() == digest
            and all(p.exists() for p in built)):
        print("ctmodule pdf: up to date (no input changed since the last checked build)", file=sys.stderr)
        return 0
    stamp.unlink(missing_ok=True)
    try:
        result = build(root, jb=jb, strict=not args.no_strict, langs=args.lang)
    except PdfError as exc:
        print(f"ctmodule pdf: {exc}", file=sys.stderr)
        return 1
    report = args.report or out / "report.json"
    report.write_text(json.dumps(result, indent=2), encoding="utf-8")
    failed = False
    for name, doc in result["documents"].items():
        print(f"ctmodule pdf: {name}: {doc['pages']} pages, {doc['seconds']} s", file=sys.stderr)
        for problem in doc["problems"]:
            failed = True
            print(f"ctmodule pdf: {name}: {problem}", file=sys.stderr)
    if failed:
        return 1
    if args.lang:  # a partial build does not make every PDF current
        return 0
    stamp.write_text(digest + "\n", encoding="utf-8")  # only a build that passed its checks counts
    return 0

"""Sphinx extension: keep every page of the built book loadable with no network, and accessible.

Registered in ``_config.yml`` (``sphinx.extra_extensions``). It

- drops sphinx-thebe's assets. Jupyter Book 1 always loads sphinx-thebe, which adds its inline
  config script twice to every page (a console error, ``Identifier 'THEBE_JS_URL' has already been
  declared``), would fetch thebe from a CDN, and puts a config block naming its own example
  repository on Binder into every page; this book launches no live kernels (``thebe: false``);
- rewrites the CDN addresses that notebook outputs are known to embed to the vendored copy
  (jupyterquiz falls back to loading MathJax from a CDN when it finds MathJax not ready);
- makes the widget manager and MathJax 3 work together: the ipywidgets controls typeset a widget's
  label with the MathJax 2 API (``MathJax.Hub.Queue``), which MathJax 3 lacks, so a page with both
  math and a widget threw ``Cannot read properties of undefined (reading 'Queue')``; a small shim
  maps that call to ``MathJax.typesetPromise``;
- keeps jupyterquiz from throwing when MathJax is slow: half a second after drawing a quiz it
  reads ``MathJax.version[0]``, which is undefined until MathJax has loaded (a slow machine, or a
  long page), an uncaught TypeError; MathJax's own first typeset then covers the quiz;
- ties jupyterquiz's "Type ... answer here" label to its answer field (jupyterquiz 2.9 creates
  both but never links them: axe ``label``, critical, on every numeric or text question);
- drops the ``aria-label="Toggle hidden content"`` of the summary that opens a hidden code cell
  (myst-nb's ``hide-input``): it hides the visible text "Show code cell source" from screen
  readers (axe ``label-content-name-mismatch``, serious);
- gives bibliography entries the ARIA role their list requires: docutils writes a citation list as
  ``role="list"`` whose entries have ``role="doc-biblioentry"``, a role DPUB-ARIA 1.1 deprecated
  and axe-core does not accept as a list item (``aria-required-children``, critical);
- lets search work from the file system (the offline zip, or ``_build/html/index.html`` opened
  from disk): Sphinx's search fetches each result page to show a summary, which Chromium refuses
  for ``file://`` pages (an uncaught error in the console for each result); the summaries are now
  fetched only when the site is served over http(s);
- serves the explorers (``ctmodule.explorers.web``): adds ``static/`` (the page script and its
  stylesheet) to ``html_static_path`` and, on the pages whose body holds an explorer, and only
  there, loads the vendored Vega, Vega-Lite and vega-embed and that script; renders each chart
  explorer's default view to an SVG file for its ``<noscript>`` image (readers without JavaScript,
  the print edition);
- warns (an error under ``-W``) when a page would load a script or stylesheet from another site;
- stops Jupyter Book from injecting the vendored files into every page: when a ``_static/`` folder
  exists at the book's root, Jupyter Book adds every ``.js``/``.css`` file found under *any*
  ``html_static_path`` entry, ``_vendor/`` included, to ``html_js_files``/``html_css_files``.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import re
from pathlib import Path

from sphinx.util import logging

logger = logging.getLogger(__name__)

# Folders that tools/vendor.py fills in _vendor/ (they land in _static/).
VENDORED_FOLDERS = ("mathjax/", "html-manager/", "vega/", "ctmodule-explorers/", "reveal/")

# The explorers in the page (ctmodule.explorers.web): the vendored Vega stack and the page script
# (ctmodule/book/static/), loaded only by the pages that hold an explorer.
EXPLORER_MARK = 'class="ctmodule-explorer"'
EXPLORER_STATIC = Path(__file__).resolve().parent / "static"
EXPLORER_SCRIPTS = ("vega/vega.min.js", "vega/vega-lite.min.js", "vega/vega-embed.min.js",
                    "ctmodule-explorers/explorers.js")
EXPLORER_CSS = ("ctmodule-explorers/explorers.css",)

# CDN address (as embedded by a package in notebook output) -> vendored file below _static/.
CDN_REWRITES = {
    "https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-svg.js": "mathjax/tex-mml-svg.js",
    "https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-chtml.js": "mathjax/tex-mml-svg.js",
    "https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-mml-chtml.js": "mathjax/tex-mml-svg.js",
}

# Runs right after Sphinx's `window.MathJax = {...}` config script, before MathJax loads.
MATHJAX2_SHIM = """(function () {
  var mj = window.MathJax = window.MathJax || {};
  var pending = [];
  function typeset(el) {
    var m = window.MathJax;
    if (m && m.typesetPromise) { m.typesetPromise(el ? [el] : undefined).catch(function () {}); }
    else { pending.push(el); }
  }
  var hub = {Queue: function (job) { typeset(job && job[2]); }};
  mj.Hub = hub;
  mj.startup = mj.startup || {};
  var ready = mj.startup.ready;
  mj.startup.ready = function () {
    if (ready) { ready(); } else { window.MathJax.startup.defaultReady(); }
    window.MathJax.Hub = hub;
    window.MathJax.startup.promise.then(function () { pending.splice(0).forEach(typeset); });
  };
})();"""

# jupyterquiz (numeric.js, string.js): the input gets its id right after its label is created.
QUIZ_LABEL_FROM = 'inp.id = id + "-0";'
QUIZ_LABEL_TO = 'inp.id = id + "-0"; lab.htmlFor = inp.id;'

# jupyterquiz: `version[0] == "2"` where version = MathJax.version may still be undefined.
QUIZ_VERSION = re.compile(r'\b(version|v)\[0\] (===?) ')

_SCRIPT = re.compile(r"(<script\b[^>]*>)(.*?)(</script>)", re.DOTALL | re.IGNORECASE)


def _patch_quiz_script(match: re.Match) -> str:
    code = match.group(2).replace(QUIZ_LABEL_FROM, QUIZ_LABEL_TO)
    code = QUIZ_VERSION.sub(r'(\1 || "")[0] \2 ', code)
    return match.group(1) + code + match.group(3)


# sphinx-thebe's inert config block (a binder repository of its own examples), added to each page.
_THEBE_CONFIG = re.compile(r'\s*<script type="text/x-thebe-config">.*?</script>', re.DOTALL)

_EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:)?//", re.IGNORECASE)


def _is_thebe(asset) -> bool:
    filename = str(getattr(asset, "filename", "") or "")
    body = str(getattr(asset, "attributes", {}).get("body", "") or "")
    return posixpath.basename(filename).startswith("sphinx-thebe") or "THEBE_JS_URL" in body


def _is_external(asset) -> bool:
    filename = str(getattr(asset, "filename", "") or "")
    return bool(_EXTERNAL.match(filename))


def _add_explorer_static(app, config) -> None:
    if str(EXPLORER_STATIC) not in [str(p) for p in config.html_static_path]:
        config.html_static_path = [*config.html_static_path, str(EXPLORER_STATIC)]


def _drop_vendored_autoload(app, config) -> None:
    for key in ("html_js_files", "html_css_files"):
        entries = list(config[key] or [])
        kept = []
        for entry in entries:
            name = entry[0] if isinstance(entry, (tuple, list)) else entry
            if isinstance(name, str) and name.startswith(VENDORED_FOLDERS):
                continue
            kept.append(entry)
        if len(kept) != len(entries):
            logger.info(f"[ctmodule.book.offline] not injecting {len(entries) - len(kept)} vendored files")
            config[key] = kept


def _add_mathjax2_shim(scripts) -> None:
    from sphinx.builders.html._assets import _JavaScript

    for i, asset in enumerate(scripts):
        body = str(getattr(asset, "attributes", {}).get("body", "") or "")
        if body.startswith("window.MathJax ="):
            scripts.insert(i + 1, _JavaScript("", priority=asset.priority, body=MATHJAX2_SHIM))
            return


_EXPLORER_SECTION = re.compile(r'<section class="ctmodule-explorer"[^>]*data-kind="vega".*?</section>', re.DOTALL)
_EXPLORER_SPEC = re.compile(r'<script type="application/json" class="ctmodule-explorer-data">(.*?)</script>',
                            re.DOTALL)


def render_explorer_images(body: str, outdir, pathto) -> str:
    """Give each chart explorer's ``<noscript>`` image its file: the default view rendered by
    vl-convert into ``_images/explorer-<sha>.svg`` (once per spec; an existing file is kept), its
    ``src`` relative to the page (``pathto``). Done here, in the Sphinx process, so vl-convert
    starts once for the book rather than once per executed notebook."""
    from ctmodule.explorers import web

    def one(match: re.Match) -> str:
        section = match.group(0)
        spec_match = _EXPLORER_SPEC.search(section)
        if web.IMAGE_MARK not in section or not spec_match:
            return section
        text = spec_match.group(1)
        rel = f"_images/explorer-{hashlib.sha256(text.encode('utf-8')).hexdigest()[:20]}.svg"
        path = Path(outdir) / rel
        if not path.is_file():
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(path.name + ".tmp")
            tmp.write_text(web.render_image(json.loads(text), "svg"), encoding="utf-8")
            tmp.replace(path)
        return section.replace(web.IMAGE_MARK, f'src="{pathto(rel, 1)}"', 1)

    return _EXPLORER_SECTION.sub(one, body)


def _add_explorer_assets(context) -> None:
    from sphinx.builders.html._assets import _CascadingStyleSheet, _JavaScript

    have = {str(getattr(a, "filename", "")) for a in context["script_files"]}
    for name in EXPLORER_SCRIPTS:
        if f"_static/{name}" not in have:
            context["script_files"].append(_JavaScript(f"_static/{name}", priority=800))
    for name in EXPLORER_CSS:
        context["css_files"].append(_CascadingStyleSheet(f"_static/{name}", priority=800))


def _on_page_context(app, pagename, templatename, context, doctree) -> None:
    for key in ("script_files", "css_files"):
        if key in context:
            # in place: the list is the builder's, restored after each page; by now (priority
            # 900) every other extension has added its page-specific assets to it
            context[key][:] = [asset for asset in context[key] if not _is_thebe(asset)]
            for asset in context[key]:
                if _is_external(asset):
                    logger.warning(
                        f"{pagename}: loads {asset.filename} from another site; vendor it "
                        "(package.json + tools/vendor.py) so that the book works offline",
                        location=pagename,
                        type="ctmodule",
                        subtype="offline",
                    )
    if "script_files" in context:
        _add_mathjax2_shim(context["script_files"])
    body = context.get("body")
    if body and EXPLORER_MARK in body and "script_files" in context:
        _add_explorer_assets(context)
        body = context["body"] = render_explorer_images(body, app.outdir, context["pathto"])
    if body:
        body = _THEBE_CONFIG.sub("", body)
        body = body.replace('role="doc-biblioentry"', 'role="listitem"')
        body = body.replace('<summary aria-label="Toggle hidden content">', "<summary>")
        if "MathJax" in body or QUIZ_LABEL_FROM in body:
            body = _SCRIPT.sub(_patch_quiz_script, body)
        pathto = context["pathto"]
        for url, local in CDN_REWRITES.items():
            if url in body:
                body = body.replace(url, pathto(f"_static/{local}", resource=True))
        context["body"] = body


SEARCH_SUMMARY_FROM = "SHOW_SEARCH_SUMMARY: true,"
SEARCH_SUMMARY_TO = "SHOW_SEARCH_SUMMARY: window.location.protocol !== 'file:',"


def _search_summary_only_over_http(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    path = Path(app.outdir) / "_static" / "documentation_options.js"
    if path.is_file():
        text = path.read_text(encoding="utf-8")
        if SEARCH_SUMMARY_FROM in text:
            path.write_text(text.replace(SEARCH_SUMMARY_FROM, SEARCH_SUMMARY_TO), encoding="utf-8")


def setup(app):
    app.connect("config-inited", _add_explorer_static)
    app.connect("config-inited", _drop_vendored_autoload)
    app.connect("build-finished", _search_summary_only_over_http)
    app.connect("html-page-context", _on_page_context, priority=900)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}

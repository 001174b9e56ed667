"""The offline tooling: tools/vendor.py, tools/zip_site.py and the ctmodule.book.offline extension.

(The built site itself is tested in a browser: tests/browser/.)
"""

from __future__ import annotations

import importlib.util
import json
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _load_tool(name: str):
    spec = importlib.util.spec_from_file_location(f"tool_{name}", ROOT / "tools" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


vendor_tool = _load_tool("vendor")
zip_tool = _load_tool("zip_site")


# --- tools/vendor.py -------------------------------------------------------------------------


def test_package_json_pins_exact_versions():
    pins = vendor_tool.pinned_versions(ROOT)
    assert set(pins) >= {"mathjax", "@jupyter-widgets/html-manager", "axe-core"}
    assert pins["mathjax"].startswith("3.")
    lock = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))
    for name, version in pins.items():
        assert lock["packages"][f"node_modules/{name}"]["version"] == version, name


def _fake_project(tmp_path: Path, mathjax_version: str = "3.2.2") -> Path:
    (tmp_path / "package.json").write_text(json.dumps({
        "dependencies": {"mathjax": "3.2.2", "@jupyter-widgets/html-manager": "1.0.15",
                         "vega": "6.2.0", "vega-lite": "6.4.1", "vega-embed": "7.3.0",
                         "reveal.js": "6.0.2"},
        "devDependencies": {"axe-core": "4.14.1"},
    }))
    nm = tmp_path / "node_modules"
    files = {
        "mathjax/package.json": json.dumps({"version": mathjax_version}),
        "mathjax/LICENSE": "Apache",
        "mathjax/es5/tex-mml-svg.js": "/* mathjax */",
        "mathjax/es5/input/tex/extensions/cancel.js": "/* cancel */",
        "mathjax/es5/input/mml/entities.js": "/* entities */",
        "mathjax/es5/ui/menu.js": "/* menu */",
        "mathjax/es5/a11y/explorer.js": "/* explorer */",
        "mathjax/es5/sre/mathmaps/en.json": "{}",
        "mathjax/es5/tex-chtml.js": "/* not copied */",
        "@jupyter-widgets/html-manager/package.json": json.dumps({"version": "1.0.15"}),
        "@jupyter-widgets/html-manager/dist/embed.js": "/* embed */",
        "@jupyter-widgets/html-manager/dist/embed.js.LICENSE.txt": "BSD",
        "@jupyter-widgets/html-manager/dist/a.woff2": "w2",
        "@jupyter-widgets/html-manager/dist/a.woff": "w",
        "@jupyter-widgets/html-manager/dist/a.ttf": "t",
        "@jupyter-widgets/html-manager/dist/a.eot": "not copied",
        "@jupyter-widgets/html-manager/dist/embed-amd.js": "/* not copied */",
        "axe-core/package.json": json.dumps({"version": "4.14.1"}),
        "vega/package.json": json.dumps({"version": "6.2.0"}),
        "vega/LICENSE": "BSD-3 vega",
        "vega/build/vega.min.js": "/* vega */",
        "vega/build/vega-core.min.js": "/* not copied */",
        "vega-lite/package.json": json.dumps({"version": "6.4.1"}),
        "vega-lite/LICENSE": "BSD-3 vega-lite",
        "vega-lite/build/vega-lite.min.js": "/* vega-lite */",
        "vega-embed/package.json": json.dumps({"version": "7.3.0"}),
        "vega-embed/LICENSE": "BSD-3 vega-embed",
        "vega-embed/build/vega-embed.min.js": "/* vega-embed */",
        "reveal.js/package.json": json.dumps({"version": "6.0.2"}),
        "reveal.js/LICENSE": "MIT reveal.js",
        "reveal.js/dist/reveal.js": "/* reveal umd */",
        "reveal.js/dist/reveal.mjs": "/* not copied: ES modules do not load from file:// */",
        "reveal.js/dist/reveal.css": "/* reveal css */",
        "reveal.js/dist/theme/white-contrast.css": "/* theme */",
        "reveal.js/dist/theme/simple.css": "/* not copied: imports web fonts */",
        "reveal.js/dist/plugin/notes.js": "/* notes */",
        "reveal.js/dist/plugin/notes.mjs": "/* not copied */",
    }
    for rel, text in files.items():
        path = nm / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return tmp_path


def test_vendor_copies_what_the_pages_load_and_nothing_else(tmp_path):
    root = _fake_project(tmp_path)
    manifest = vendor_tool.vendor(root)
    out = root / "_vendor"
    assert (out / "mathjax" / "tex-mml-svg.js").is_file()
    assert (out / "mathjax" / "input" / "tex" / "extensions" / "cancel.js").is_file()
    assert (out / "mathjax" / "sre" / "mathmaps" / "en.json").is_file()
    assert (out / "html-manager" / "embed.js").is_file() and (out / "html-manager" / "a.woff2").is_file()
    assert not (out / "mathjax" / "tex-chtml.js").exists()
    assert not (out / "html-manager" / "a.eot").exists() and not (out / "html-manager" / "embed-amd.js").exists()
    assert manifest["packages"]["mathjax"]["version"] == "3.2.2"
    # one vega/ folder for the three packages, each licence under its own name
    vega = sorted(p.name for p in (out / "vega").iterdir())
    assert vega == ["LICENSE-vega", "LICENSE-vega-embed", "LICENSE-vega-lite", "vega-embed.min.js",
                    "vega-lite.min.js", "vega.min.js"]
    assert (out / "vega" / "LICENSE-vega-lite").read_text() == "BSD-3 vega-lite"
    # reveal.js for the slide decks: the UMD build, its theme and the notes plugin only
    reveal = sorted(p.relative_to(out / "reveal").as_posix() for p in (out / "reveal").rglob("*")
                    if p.is_file())
    assert reveal == ["LICENSE", "plugin/notes.js", "reveal.css", "reveal.js", "theme/white-contrast.css"]
    assert vendor_tool.vendor(root, check=True) == manifest  # up to date


def test_vendor_check_notices_a_stale_copy(tmp_path):
    root = _fake_project(tmp_path)
    vendor_tool.vendor(root)
    (root / "node_modules" / "mathjax" / "es5" / "tex-mml-svg.js").write_text("/* changed */")
    with pytest.raises(vendor_tool.VendorError, match="stale"):
        vendor_tool.vendor(root, check=True)


def test_vendor_refuses_a_version_other_than_the_pin(tmp_path):
    root = _fake_project(tmp_path, mathjax_version="3.2.1")
    with pytest.raises(vendor_tool.VendorError, match="mathjax@3.2.1 but package.json pins 3.2.2"):
        vendor_tool.vendor(root)


def test_vendor_refuses_a_range_in_package_json(tmp_path):
    root = _fake_project(tmp_path)
    (root / "package.json").write_text(json.dumps({"dependencies": {"mathjax": "^3.2.2"}}))
    with pytest.raises(vendor_tool.VendorError, match="exact version"):
        vendor_tool.pinned_versions(root)


def test_vendor_reports_a_missing_install(tmp_path):
    root = _fake_project(tmp_path)
    (root / "node_modules" / "axe-core" / "package.json").unlink()
    with pytest.raises(vendor_tool.VendorError, match="not installed"):
        vendor_tool.vendor(root)


# --- tools/zip_site.py -------------------------------------------------------------------------


def _fake_site(tmp_path: Path) -> Path:
    site = tmp_path / "html"
    (site / "_static").mkdir(parents=True)
    (site / "index.html").write_text('<meta http-equiv="Refresh" content="0; url=intro.html" />')
    (site / "intro.html").write_text("<h1>Intro</h1>")
    (site / "_static" / "app.js").write_text("var x = 1;")
    (site / ".buildinfo").write_text("bookkeeping")
    return site


def test_zip_holds_the_site_in_one_folder_with_a_readme(tmp_path):
    site = _fake_site(tmp_path)
    out = tmp_path / "book.zip"
    count, size = zip_tool.write_zip(site, out)
    with zipfile.ZipFile(out) as zf:
        names = sorted(zf.namelist())
        readme = zf.read("README.txt").decode()
    assert names == ["README.txt", "ctmodule-book/_static/app.js", "ctmodule-book/index.html",
                     "ctmodule-book/intro.html"]
    assert count == 3 and size == out.stat().st_size
    assert "ctmodule-book/index.html" in readme


def test_zip_is_reproducible(tmp_path):
    site = _fake_site(tmp_path)
    zip_tool.write_zip(site, tmp_path / "a.zip")
    (site / "intro.html").touch()  # a newer mtime must not change the zip
    zip_tool.write_zip(site, tmp_path / "b.zip")
    assert (tmp_path / "a.zip").read_bytes() == (tmp_path / "b.zip").read_bytes()


def test_zip_refuses_a_folder_that_is_not_a_built_site(tmp_path):
    with pytest.raises(SystemExit, match="no index.html"):
        zip_tool.write_zip(tmp_path, tmp_path / "x.zip")


# --- the ctmodule.book.offline Sphinx extension -----------------------------------------------------


def test_offline_extension_cleans_a_page_context(caplog):
    from sphinx.builders.html._assets import _CascadingStyleSheet, _JavaScript

    from ctmodule.book import offline

    scripts = [
        _JavaScript("_static/doctools.js", priority=200),
        _JavaScript("", body='const THEBE_JS_URL = "https://unpkg.com/thebe"'),
        _JavaScript("", body='const THEBE_JS_URL = "https://unpkg.com/thebe"'),
        _JavaScript("_static/sphinx-thebe.js", **{"async": "async"}),
        _JavaScript("", body='window.MathJax = {"options": {}}'),
        _JavaScript("_static/mathjax/tex-mml-svg.js", defer="defer"),
        _JavaScript("https://cdn.example.org/lib.js"),
    ]
    css = [_CascadingStyleSheet("_static/sphinx-thebe.css"), _CascadingStyleSheet("_static/basic.css")]
    context = {
        "script_files": scripts,
        "css_files": css,
        "pathto": lambda target, resource=False: "../" + target,
        "body": '<script>s.src = "https://cdn.jsdelivr.net/npm/mathjax@3/es5/tex-svg.js"</script>'
                '<div class="citation" role="doc-biblioentry">A</div><p>v[0] == 2 in text stays</p>'
                '<details class="hide above-input"><summary aria-label="Toggle hidden content">Show</summary>'
                '<script>var lab = x(); inp.id = id + "-0";'
                'var version = MathJax.version; if (version[0] == "2") {}</script>'
                '\n    <script type="text/x-thebe-config">\n    {requestKernel: true}\n    </script>',
    }
    with caplog.at_level("WARNING"):
        offline._on_page_context(None, "chapters/x", "page.html", context, None)
    names = [str(s.filename) for s in context["script_files"]]
    assert not any("thebe" in n for n in names)
    assert all("THEBE" not in s.attributes.get("body", "") for s in context["script_files"])
    assert [str(c.filename) for c in context["css_files"]] == ["_static/basic.css"]
    # the MathJax 2 shim sits right after the MathJax config, before MathJax itself
    bodies = [s.attributes.get("body", "") for s in context["script_files"]]
    i = next(k for k, b in enumerate(bodies) if b.startswith("window.MathJax ="))
    assert "Hub" in bodies[i + 1] and names[i + 2].endswith("tex-mml-svg.js")
    assert "cdn.jsdelivr.net" not in context["body"]
    assert "../_static/mathjax/tex-mml-svg.js" in context["body"]
    assert "thebe" not in context["body"]
    assert 'inp.id = id + "-0"; lab.htmlFor = inp.id;' in context["body"]
    assert '(version || "")[0] == "2"' in context["body"]
    assert "<p>v[0] == 2 in text stays</p>" in context["body"]
    assert "<summary>Show</summary>" in context["body"]
    assert 'role="listitem"' in context["body"] and "doc-biblioentry" not in context["body"]
    assert "cdn.example.org/lib.js" in caplog.text  # an external script is reported


def test_offline_extension_keeps_vendored_files_out_of_every_page():
    from ctmodule.book import offline

    config = {"html_js_files": ["mathjax/tex-mml-svg.js", "html-manager/embed.js", "custom.js"],
              "html_css_files": [("mathjax/x.css", {}), "custom.css"]}
    offline._drop_vendored_autoload(None, config)
    assert config == {"html_js_files": ["custom.js"], "html_css_files": ["custom.css"]}

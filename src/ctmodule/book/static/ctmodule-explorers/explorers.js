/* The explorers of the book, in the page (no kernel, no network): see ctmodule/explorers/web.py.
 * A chart explorer is a Vega-Lite spec drawn by the vendored vega-embed; its controls are
 * Vega-Lite parameters bound to native inputs. After every change this script refreshes the
 * live summary and the data tables from the rows the chart draws (usermeta.ctmodule).
 * A form explorer (the case coder) is an HTML form whose data the package computed. */
(function () {
  "use strict";

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) { node.textContent = text; }
    return node;
  }

  function readData(root) {
    return JSON.parse(root.querySelector("script.ctmodule-explorer-data").textContent);
  }

  // The strings this script writes, in the explorer's language (the package writes them in its JSON).
  var S = {};
  function say(key, values) {
    return String(S[key] || key).replace(/\{([a-z_]+)\}/g, function (all, k) {
      return values && values[k] !== undefined ? String(values[k]) : all;
    });
  }

  function fmt(value, digits) {
    if (value === null || value === undefined || (typeof value === "number" && isNaN(value))) { return say("not_defined"); }
    if (typeof value === "number" && digits !== undefined) { return value.toFixed(digits); }
    return String(value);
  }

  function sorted(rows, sort) {
    rows = rows.slice();
    if (sort) {
      var f = sort[0], dir = sort[1] === "descending" ? -1 : 1;
      rows.sort(function (a, b) {
        var x = a[f], y = b[f];
        if (x === y) { return 0; }
        if (x === null || x === undefined) { return 1; }
        if (y === null || y === undefined) { return -1; }
        return x < y ? -dir : dir;
      });
    }
    return rows;
  }

  function fill(template, rows) {
    return template.replace(/\{(count|first|sum|list)(?::([A-Za-z0-9_]+))?(?::(\d+))?\}/g,
      function (_, op, field, digits) {
        var d = digits === undefined ? undefined : Number(digits);
        if (op === "count") { return String(rows.length); }
        if (op === "first") { return rows.length ? fmt(rows[0][field], d) : say("none"); }
        if (op === "sum") { return fmt(rows.reduce(function (s, r) { return s + (Number(r[field]) || 0); }, 0), d); }
        return rows.length ? rows.map(function (r) { return fmt(r[field]); }).join("; ") : say("none");
      });
  }

  function findMarkData(node, name) {
    var marks = (node && node.marks) || [];
    for (var i = 0; i < marks.length; i++) {
      var m = marks[i];
      if (m.name === name + "_marks" && m.from && m.from.data) { return m.from.data; }
      var inner = findMarkData(m, name);
      if (inner) { return inner; }
    }
    return null;
  }

  function renderTable(holder, caption, columns, rows) {
    var details = el("details", {"class": "ctmodule-explorer-table"});
    details.appendChild(el("summary", {}, say("show_table", {caption: caption, count: rows.length})));
    var table = el("table", {"class": "ctmodule-table"});
    table.appendChild(el("caption", {}, caption));
    var head = el("tr");
    columns.forEach(function (c) { head.appendChild(el("th", {scope: "col"}, c[1])); });
    table.appendChild(el("thead")).appendChild(head);
    var body = table.appendChild(el("tbody"));
    rows.forEach(function (r) {
      var tr = body.appendChild(el("tr"));
      columns.forEach(function (c) {
        var v = r[c[0]];
        tr.appendChild(el("td", {}, typeof v === "number" && !Number.isInteger(v) ? v.toFixed(2) : fmt(v)));
      });
    });
    details.appendChild(table);
    holder.appendChild(details);
    return details;
  }

  function setupChart(root) {
    var spec = readData(root);
    var meta = (spec.usermeta && spec.usermeta.ctmodule) || {tables: [], summary: []};
    var strings = meta.strings || {};
    var target = root.querySelector(".ctmodule-explorer-view");
    var summary = root.querySelector(".ctmodule-explorer-summary");
    var tables = root.querySelector(".ctmodule-explorer-tables");
    var opts = {actions: false, renderer: "svg", mode: "vega-lite"};
    if (meta.formatLocale) { opts.formatLocale = meta.formatLocale; }
    if (meta.timeFormatLocale) { opts.timeFormatLocale = meta.timeFormatLocale; }
    return vegaEmbed(target, spec, opts).then(function (result) {
      var view = result.view;
      function rowsOf(name) {
        var data = findMarkData(result.vgSpec, name);
        return data ? view.data(data).map(function (r) { return Object.assign({}, r); }) : [];
      }
      function refresh() {
        S = strings;
        summary.textContent = meta.summary.map(function (s) {
          return fill(s.template, sorted(rowsOf(s.view), s.sort));
        }).join(" ");
        var open = Array.prototype.map.call(tables.querySelectorAll("details"), function (d) { return d.open; });
        tables.textContent = "";
        meta.tables.forEach(function (t, i) {
          var d = renderTable(tables, t.caption, t.columns, sorted(rowsOf(t.view), t.sort));
          d.open = !!open[i];
        });
        root.setAttribute("data-ready", "true");
      }
      (spec.params || []).forEach(function (p) {
        view.addSignalListener(p.name, function () { view.runAsync().then(refresh); });
      });
      refresh();
      return view;
    });
  }

  function setupCoder(root) {
    var data = readData(root);
    var strings = data.strings || {};
    S = strings;
    var form = root.querySelector("form");
    var caseSel = form.querySelector("select[name=case]");
    var caseBox = form.querySelector(".ctmodule-coder-case");
    var result = form.querySelector(".ctmodule-coder-result");
    var summary = root.querySelector(".ctmodule-explorer-summary");
    function showCase() {
      caseBox.innerHTML = data.cases[caseSel.value].case_html;  // HTML escaped by the package
      data.fields.forEach(function (f) { form.querySelector("select[name=" + f.field + "]").value = ""; });
      result.textContent = "";
      S = strings;
      summary.textContent = say("choose_all");
    }
    function check() {
      S = strings;
      var c = data.cases[caseSel.value];
      var list = el("ul");
      var agree = 0;
      data.fields.forEach(function (f) {
        var value = form.querySelector("select[name=" + f.field + "]").value;
        var coded = c.fields[f.field];
        var li = el("li");
        var chosen = value === "" ? null : data.options[f.field][Number(value)];
        if (chosen !== null && coded.agree.indexOf(Number(value)) >= 0) {
          agree += 1;
          li.appendChild(el("strong", {}, say("agrees", {field: f.label}) + " "));
          li.appendChild(document.createTextNode(coded.module));
        } else if (chosen === null) {
          li.appendChild(el("strong", {}, say("no_answer", {field: f.label}) + " "));
          li.appendChild(document.createTextNode(say("no_answer_text", {module: coded.module, help: f.help})));
        } else {
          li.appendChild(el("strong", {}, say("differs", {field: f.label}) + " "));
          li.appendChild(document.createTextNode(say("differs_text", {chosen: chosen, module: coded.module, help: f.help})));
        }
        list.appendChild(li);
      });
      result.textContent = "";
      result.appendChild(list);
      var card = el("div");
      card.innerHTML = c.card_html;  // HTML escaped by the package
      result.appendChild(card);
      if (c.note) { result.appendChild(el("p", {}, say("note", {note: c.note}))); }
      summary.textContent = say("agree_count", {agree: agree, total: data.fields.length});
    }
    caseSel.addEventListener("change", showCase);
    form.addEventListener("submit", function (ev) { ev.preventDefault(); check(); });
    showCase();
    root.setAttribute("data-ready", "true");
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll("section.ctmodule-explorer"), function (root) {
      // An output carries one variant per language (ctmodule.book.bilingual); the page shows the
      // one of its language and hides the others (display: none), which are not set up: the
      // reader never sees them, and their controls would only repeat the visible ones.
      var variant = root.parentElement && root.parentElement.closest(".ctmodule-l10n > [lang]");
      if (variant && window.getComputedStyle(variant).display === "none") { return; }
      try {
        if (root.getAttribute("data-kind") === "form") { setupCoder(root); }
        else if (window.vegaEmbed) { setupChart(root).catch(function (e) { console.error(e); }); }
        else { console.error("ctmodule explorers: vega-embed did not load"); }
      } catch (e) { console.error(e); }
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", start); }
  else { start(); }
})();

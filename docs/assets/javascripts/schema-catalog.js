/* schema-catalog: filter and sort the tables inside <div class="sc-filter">, offline.
 *
 * A column whose header is one of FACETS gets a drop-down of its values (a cell may
 * hold several, separated by ", "); a text box filters on the whole row; a click on
 * a header sorts by that column (numbers as numbers). The page's hash can preset
 * one facet: findings/#rule-rls003, findings/#level-error. Cell text comes from the page,
 * which the catalog already escaped: it is read as text and never parsed as HTML.
 */
(function () {
  "use strict";
  var FACETS = ["Level", "Rule", "Domain", "Status", "Tenancy", "RLS", "Kind", "Schema"];

  function cellValues(cell, header) {
    if (header === "Rule") {
      var code = cell.querySelector("code");
      return [code ? code.textContent.trim() : cell.textContent.trim()];
    }
    return cell.textContent.split(",").map(function (v) { return v.trim(); })
      .filter(function (v) { return v !== ""; });
  }

  // "#rule-ten001" presets the Rule facet (the page carries such anchors, so links resolve).
  function presets() {
    var wanted = {};
    var match = /^#([a-z]+)-(.+)$/.exec(decodeURIComponent(location.hash));
    if (match) wanted[match[1]] = match[2].toLowerCase();
    return wanted;
  }

  function choose(select, value) {
    var option = Array.prototype.find.call(select.options, function (o) {
      return o.value.toLowerCase() === value;
    });
    select.value = option ? option.value : "";
  }

  function setUp(box) {
    var table = box.querySelector("table");
    if (!table || !table.tHead) return;
    var headers = Array.prototype.map.call(table.tHead.rows[0].cells, function (th) {
      return th.textContent.trim();
    });
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var bar = document.createElement("div");
    bar.className = "sc-filter__bar";
    var selects = [];
    var wanted = presets();
    headers.forEach(function (header, index) {
      if (FACETS.indexOf(header) < 0) return;
      var values = {};
      rows.forEach(function (row) {
        cellValues(row.cells[index], header).forEach(function (v) { values[v] = true; });
      });
      var names = Object.keys(values).sort();
      if (names.length < 2 && !wanted[header.toLowerCase()]) return;
      var label = document.createElement("label");
      label.textContent = header + " ";
      var select = document.createElement("select");
      select.setAttribute("data-column", String(index));
      select.appendChild(new Option("all", ""));
      names.forEach(function (name) { select.appendChild(new Option(name, name)); });
      var preset = wanted[header.toLowerCase()];
      if (preset) choose(select, preset);
      select.addEventListener("change", apply);
      label.appendChild(select);
      bar.appendChild(label);
      selects.push({ select: select, index: index, header: header });
    });
    var search = document.createElement("input");
    search.type = "search";
    search.placeholder = "filter rows";
    search.className = "sc-filter__text";
    search.addEventListener("input", apply);
    bar.appendChild(search);
    var shown = document.createElement("span");
    shown.className = "sc-filter__count";
    bar.appendChild(shown);
    box.insertBefore(bar, box.firstChild);

    function apply() {
      var text = search.value.trim().toLowerCase();
      var visible = 0;
      rows.forEach(function (row) {
        var ok = selects.every(function (s) {
          return !s.select.value || cellValues(row.cells[s.index], s.header).indexOf(s.select.value) >= 0;
        });
        if (ok && text) ok = row.textContent.toLowerCase().indexOf(text) >= 0;
        row.hidden = !ok;
        if (ok) visible += 1;
      });
      shown.textContent = visible + " of " + rows.length + " shown";
    }

    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
      th.classList.add("sc-sortable");
      th.title = "Sort";
      var ascending = true;
      th.addEventListener("click", function () {
        var numeric = rows.every(function (row) {
          var t = row.cells[index].textContent.trim();
          return t === "" || !isNaN(Number(t.split(" ")[0]));
        });
        var sorted = rows.slice().sort(function (a, b) {
          var x = a.cells[index].textContent.trim(), y = b.cells[index].textContent.trim();
          var order = numeric ? Number(x.split(" ")[0] || 0) - Number(y.split(" ")[0] || 0)
                              : x.localeCompare(y);
          return ascending ? order : -order;
        });
        ascending = !ascending;
        sorted.forEach(function (row) { table.tBodies[0].appendChild(row); });
      });
    });
    window.addEventListener("hashchange", function () {
      var now = presets();
      selects.forEach(function (s) { choose(s.select, now[s.header.toLowerCase()] || ""); });
      apply();
    });
    apply();
  }

  function start() {
    Array.prototype.forEach.call(document.querySelectorAll(".sc-filter"), setUp);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

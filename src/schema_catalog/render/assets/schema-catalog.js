/* schema-catalog: filter and sort the tables inside <div class="sc-filter">, offline.
 *
 * A column whose header is one of FACETS gets a drop-down of its values (a cell may
 * hold several, separated by ", "); a text box filters on the whole row; a click on
 * a header sorts by that column (numbers as numbers). The page's hash can preset
 * one facet: findings/#rule-rls003, findings/#level-error, tables/#domain-books.
 * Cell text comes from the page, which the catalog already escaped: it is read as
 * text and never parsed as HTML.
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

  // The hash presets one facet (the page carries the anchors, so links resolve): an
  // anchor naming its facet and value (tables/#domain-books: data-facet, data-value),
  // else "#rule-ten001" read as facet "rule", value "ten001".
  function presets() {
    var wanted = {};
    var hash = decodeURIComponent(location.hash.slice(1));
    var target = hash ? document.getElementById(hash) : null;
    if (target && target.dataset.facet) {
      wanted[target.dataset.facet.toLowerCase()] = (target.dataset.value || "").toLowerCase();
      return wanted;
    }
    var match = /^([a-z]+)-(.+)$/.exec(hash);
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

/* schema-catalog: ER diagrams drawn with the local Mermaid, readable at any size.
 *
 * Each ```mermaid fence (<pre class="sc-diagram">) becomes a pannable, zoomable
 * picture with a toolbar: zoom out / in, actual size, fit, full screen, and for
 * compact domain diagrams "All columns". Every entity whose label names a table
 * linked on the page opens that table's page on click. Mermaid's strict security
 * level sanitises labels; the sources were escaped by the catalog.
 */
(function () {
  "use strict";
  var counter = 0;
  var READABLE = 0.75;
  // Large domain diagrams ask for the ELK layout in their front matter. Its module sits
  // beside this script and is imported only when a page needs it.
  var ELK_MODULE = document.currentScript
    ? new URL("mermaid-layout-elk/mermaid-layout-elk.esm.min.mjs", document.currentScript.src).href
    : null;
  var WANTS_ELK = /^---\n[\s\S]*?\n\s*layout: elk\n[\s\S]*?\n---\n/;
  var elk = null;

  // Resolves to true once ELK is registered with Mermaid, false if it could not load.
  function loadElk() {
    if (!elk) {
      elk = !ELK_MODULE ? Promise.resolve(false) : import(ELK_MODULE).then(function (module) {
        mermaid.registerLayoutLoaders(module.default);
        return true;
      }).catch(function () { return false; });
    }
    return elk;
  }

  function theme() {
    return document.body.getAttribute("data-md-color-scheme") === "slate" ? "dark" : "default";
  }

  function pageLinks() {
    var links = {};
    document.querySelectorAll(".md-content a[href]").forEach(function (a) {
      var text = a.textContent.trim();
      if (text && !(text in links)) links[text] = a.getAttribute("href");
    });
    return links;
  }

  function button(label, title, action) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "md-button sc-diagram__button";
    b.textContent = label;
    b.title = title;
    b.addEventListener("click", action);
    return b;
  }

  function linkEntities(svg) {
    var links = pageLinks();
    svg.querySelectorAll("g[id*='-entity-']").forEach(function (entity) {
      var label = entity.querySelector("foreignObject, text");
      if (!label) return;
      var name = label.textContent.trim().replace(/ \(\+\d+ more columns\)$/, "");
      var href = links[name];
      if (!href) return;
      entity.classList.add("sc-diagram__entity");
      entity.setAttribute("role", "link");
      entity.setAttribute("data-href", href);
      entity.addEventListener("click", function (event) {
        if (!entity.closest(".sc-diagram").dataset.dragged) location.href = href;
        event.stopPropagation();
      });
    });
  }

  function draw(pre, full) {
    var source = pre.textContent;
    if (!WANTS_ELK.test(source)) return layOut(pre, full, source, "dagre");
    return loadElk().then(function (ready) {
      // Without ELK, the front matter goes and Mermaid's own layout draws the picture.
      return ready ? layOut(pre, full, source, "elk")
        : layOut(pre, full, source.replace(WANTS_ELK, ""), "dagre");
    });
  }

  function layOut(pre, full, source, layout) {
    var box = document.createElement("div");
    box.className = "sc-diagram";
    box.dataset.layout = layout;
    var bar = document.createElement("div");
    bar.className = "sc-diagram__bar";
    var view = document.createElement("div");
    view.className = "sc-diagram__view";
    box.appendChild(bar);
    box.appendChild(view);
    pre.replaceWith(box);
    counter += 1;
    return mermaid.render("sc-diagram-" + counter, source).then(function (result) {
      view.innerHTML = result.svg;
      var svg = view.querySelector("svg");
      var box_ = svg.viewBox.baseVal;
      var natural = { width: box_.width, height: box_.height };
      svg.removeAttribute("style");
      var scale = 1;
      function zoom(to) {
        scale = Math.max(0.1, Math.min(4, to));
        svg.setAttribute("width", String(natural.width * scale));
        svg.setAttribute("height", String(natural.height * scale));
        box.dataset.scale = scale.toFixed(3);
      }
      function fit() {
        var width = view.clientWidth || natural.width;
        zoom(Math.min(1, width / natural.width));
      }
      bar.appendChild(button("−", "Zoom out", function () { zoom(scale / 1.25); }));
      bar.appendChild(button("+", "Zoom in", function () { zoom(scale * 1.25); }));
      bar.appendChild(button("1:1", "Actual size", function () { zoom(1); }));
      bar.appendChild(button("Fit", "Fit the width", fit));
      bar.appendChild(button("Full screen", "Full screen (Esc to leave)", function () {
        box.classList.toggle("sc-diagram--full");
        if (box.classList.contains("sc-diagram--full")) zoom(1); else fit();
      }));
      if (full) {
        bar.appendChild(button("All columns", "Every column of every table", function () {
          full.hidden = false;
          var pre2 = full.querySelector("pre.sc-diagram");
          if (pre2) {
            draw(pre2, null).then(function () { box.remove(); });
          }
        }));
      }
      document.addEventListener("keydown", function (event) {
        if (event.key === "Escape" && box.classList.contains("sc-diagram--full")) {
          box.classList.remove("sc-diagram--full");
          fit();
        }
      });
      // Pan: drag the picture; a drag is not a click on an entity.
      var start = null;
      view.addEventListener("pointerdown", function (event) {
        start = { x: event.clientX, y: event.clientY, left: view.scrollLeft, top: view.scrollTop };
        delete box.dataset.dragged;
      });
      view.addEventListener("pointermove", function (event) {
        if (!start || !event.buttons) return;
        var dx = event.clientX - start.x, dy = event.clientY - start.y;
        if (Math.abs(dx) + Math.abs(dy) > 4) box.dataset.dragged = "1";
        view.scrollLeft = start.left - dx;
        view.scrollTop = start.top - dy;
      });
      view.addEventListener("pointerup", function () {
        start = null;
        setTimeout(function () { delete box.dataset.dragged; }, 0);
      });
      view.addEventListener("wheel", function (event) {
        if (!event.ctrlKey) return;
        event.preventDefault();
        zoom(event.deltaY < 0 ? scale * 1.1 : scale / 1.1);
      }, { passive: false });
      linkEntities(svg);
      // Readable first: fit the width, but never below READABLE (labels of about 10 px);
      // a larger picture pans (drag) and "Fit" shows it whole.
      zoom(Math.max(Math.min(1, (view.clientWidth || natural.width) / natural.width), READABLE));
      box.dataset.ready = "1";
    }).catch(function (error) {
      view.textContent = "This diagram could not be drawn: " + error;
      box.dataset.ready = "error";
    });
  }

  function start() {
    if (typeof mermaid === "undefined") return;
    mermaid.initialize({
      startOnLoad: false,
      securityLevel: "strict",
      theme: theme(),
      er: { useMaxWidth: false },
      fontFamily: "var(--md-text-font-family, sans-serif)",
    });
    // Drawn one at a time, and only once near the screen: a large diagram's layout holds
    // the page for seconds, and a reader who came for the columns never waits for it.
    var chain = Promise.resolve();
    function queue(pre) {
      var full = null;
      var sibling = pre.nextElementSibling;
      while (sibling) {
        if (sibling.matches(".sc-diagram-full")) { full = sibling; break; }
        if (sibling.matches("h1, h2, pre.sc-diagram")) break;
        sibling = sibling.nextElementSibling;
      }
      chain = chain.then(function () { return draw(pre, full); });
    }
    var pres = [].slice.call(document.querySelectorAll("pre.sc-diagram")).filter(function (pre) {
      return !pre.closest("[hidden]");
    });
    if (!("IntersectionObserver" in window)) { pres.forEach(queue); return; }
    var near = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (!entry.isIntersecting) return;
        near.unobserve(entry.target);
        queue(entry.target);
      });
    }, { rootMargin: "50% 0px" });
    pres.forEach(function (pre) { near.observe(pre); });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();

// k8s-study site: the search box, the release selector and the diff of any two releases.
// Everything here is an addition: with scripts off, every page and plain link still works.
// No network: the search index is a script of this folder (search-index.js) and the bodies of
// a diff are embedded in its page, so the site works from file://.
(function () {
  "use strict";

  function ready(f) {
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", f);
    } else {
      f();
    }
  }

  // The selector navigates to the page of the chosen release.
  function selector() {
    var select = document.getElementById("release-select");
    if (!select) return;
    select.hidden = false;
    select.addEventListener("change", function () {
      window.location.href = select.value;
    });
  }

  // Search: every word of the query must appear in one of an article's fields.
  function search() {
    var form = document.getElementById("search-form");
    var box = document.getElementById("search");
    var list = document.getElementById("search-results");
    var index = window.K8S_STUDY_SEARCH;
    if (!form || !box || !list || !index) return;
    form.hidden = false;
    form.addEventListener("submit", function (e) {
      e.preventDefault();
    });
    box.addEventListener("input", function () {
      show(list, matches(index, box.value));
    });
    if (box.value) show(list, matches(index, box.value));
  }

  function matches(index, query) {
    var words = query.toLowerCase().split(/\s+/).filter(Boolean);
    if (!words.length) return [];
    var out = [];
    index.forEach(function (entry) {
      var fields = [["title", entry.title]]
        .concat(entry.components.map(function (c) { return ["component", c]; }))
        .concat(entry.symbols.map(function (s) { return ["symbol", s]; }))
        .concat(entry.was.map(function (s) { return ["was", s]; }));
      var hits = [];
      var all = words.every(function (w) {
        var hit = fields.filter(function (f) {
          return f[1].toLowerCase().indexOf(w) >= 0;
        });
        hits = hits.concat(hit);
        return hit.length > 0;
      });
      if (all) out.push({ entry: entry, hits: hits });
    });
    return out;
  }

  function show(list, results) {
    while (list.firstChild) list.removeChild(list.firstChild);
    results.slice(0, 50).forEach(function (r) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = r.entry.page;
      a.textContent = r.entry.title;
      li.appendChild(a);
      var why = r.hits
        .filter(function (h) { return h[0] !== "title"; })
        .slice(0, 3)
        .map(function (h) { return (h[0] === "was" ? "was: " : h[0] + ": ") + h[1]; });
      if (why.length) {
        var span = document.createElement("span");
        span.className = "meta";
        span.textContent = " " + why.join(" · ");
        li.appendChild(span);
      }
      list.appendChild(li);
    });
  }

  // The diff of any two releases, computed here from the bodies embedded in the page.
  function diff() {
    var data = document.getElementById("bodies");
    var pick = document.getElementById("pick");
    if (!data || !pick) return;
    var bodies = JSON.parse(data.textContent);
    var from = document.getElementById("diff-from");
    var to = document.getElementById("diff-to");
    var target = document.getElementById("diff-pick");
    pick.hidden = false;
    function update() {
      render(target, bodies[+from.value], bodies[+to.value]);
    }
    from.addEventListener("change", update);
    to.addEventListener("change", update);
    update();
  }

  // Rows of a side-by-side diff by longest common subsequence of lines; a run of removed
  // lines followed by added ones is paired row by row, as the generated tables do.
  function rows(a, b) {
    var n = a.length, m = b.length, i, j;
    var lcs = [];
    for (i = 0; i <= n; i++) lcs.push(new Array(m + 1).fill(0));
    for (i = n - 1; i >= 0; i--) {
      for (j = m - 1; j >= 0; j--) {
        lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
      }
    }
    var out = [], del = [], add = [];
    function flush() {
      for (var k = 0; k < Math.max(del.length, add.length); k++) {
        var o = k < del.length ? del[k] : null, p = k < add.length ? add[k] : null;
        out.push({ old: o, new: p, tag: o !== null && p !== null ? "chg" : o !== null ? "del" : "add" });
      }
      del = [];
      add = [];
    }
    i = 0;
    j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && a[i] === b[j]) {
        flush();
        out.push({ old: i++, new: j++, tag: "eq" });
      } else if (j >= m || (i < n && lcs[i + 1][j] >= lcs[i][j + 1])) {
        del.push(i++);
      } else {
        add.push(j++);
      }
    }
    flush();
    return out;
  }

  function cell(tr, body, k) {
    var ln = document.createElement("td");
    ln.className = "ln";
    var code = document.createElement("td");
    code.className = "code";
    if (k === null) {
      code.className += " empty";
    } else {
      ln.textContent = String(body.start + k);
      var c = document.createElement("code");
      // The generator's own escaped, highlighted HTML of this line.
      c.innerHTML = body.html[k];
      code.appendChild(c);
    }
    tr.appendChild(ln);
    tr.appendChild(code);
  }

  function head(body) {
    var th = document.createElement("th");
    th.scope = "col";
    th.colSpan = 2;
    th.textContent = body.label + " · " + body.place;
    return th;
  }

  function render(target, old, now) {
    while (target.firstChild) target.removeChild(target.firstChild);
    var table = document.createElement("table");
    table.className = "diff picked";
    var caption = document.createElement("caption");
    caption.textContent = old.label + " → " + now.label;
    table.appendChild(caption);
    var cols = document.createElement("colgroup");
    ["ln", "code", "ln", "code"].forEach(function (c) {
      var col = document.createElement("col");
      col.className = c;
      cols.appendChild(col);
    });
    table.appendChild(cols);
    var thead = document.createElement("thead");
    var tr = document.createElement("tr");
    tr.appendChild(head(old));
    tr.appendChild(head(now));
    thead.appendChild(tr);
    table.appendChild(thead);
    var tbody = document.createElement("tbody");
    rows(old.text, now.text).forEach(function (r) {
      var row = document.createElement("tr");
      row.className = r.tag;
      cell(row, old, r.old);
      cell(row, now, r.new);
      tbody.appendChild(row);
    });
    table.appendChild(tbody);
    target.appendChild(table);
  }

  ready(function () {
    selector();
    search();
    diff();
  });
})();

(function () {
  "use strict";
  function key(td) {
    var s = td.getAttribute("data-sort");
    return s === null ? td.textContent.trim() : s;
  }
  function sortTable(table, index, th) {
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    var asc = th.getAttribute("aria-sort") !== "ascending";
    var keys = rows.map(function (r) { return key(r.cells[index]); });
    var numeric = keys.every(function (k) { return k === "" || isFinite(Number(k)); });
    var order = rows.map(function (r, i) { return i; });
    order.sort(function (a, b) {
      var x = keys[a], y = keys[b];
      if (x === "" && y !== "") return 1;
      if (y === "" && x !== "") return -1;
      var c = numeric ? Number(x) - Number(y) : x.localeCompare(y);
      if (c === 0) return a - b;
      return asc ? c : -c;
    });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", asc ? "ascending" : "descending");
    var frag = document.createDocumentFragment();
    order.forEach(function (i) { frag.appendChild(rows[i]); });
    body.appendChild(frag);
  }
  Array.prototype.forEach.call(document.querySelectorAll("table.sortable"), function (table) {
    if (!table.tHead || !table.tBodies.length) return;
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, i) {
      th.classList.add("sort");
      th.tabIndex = 0;
      th.title = "Sort by this column";
      var go = function () { sortTable(table, i, th); };
      th.addEventListener("click", go);
      th.addEventListener("keydown", function (e) {
        if (e.key === "Enter" || e.key === " ") { e.preventDefault(); go(); }
      });
    });
  });
  Array.prototype.forEach.call(document.querySelectorAll(".controls[data-for]"), function (box) {
    var table = document.getElementById(box.getAttribute("data-for"));
    if (!table) return;
    box.hidden = false;
    var text = box.querySelector("input.filter-text");
    var selects = Array.prototype.slice.call(box.querySelectorAll("select.filter-select"));
    var count = box.querySelector(".count");
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var texts = rows.map(function (r) { return r.textContent.toLowerCase(); });
    var cols = selects.map(function (s) {
      var col = Number(s.getAttribute("data-col"));
      return rows.map(function (r) { return r.cells[col] ? r.cells[col].textContent.trim() : ""; });
    });
    function apply() {
      var q = text ? text.value.trim().toLowerCase() : "";
      var shown = 0;
      rows.forEach(function (r, i) {
        var ok = !q || texts[i].indexOf(q) !== -1;
        for (var k = 0; ok && k < selects.length; k++) {
          if (selects[k].value && cols[k][i] !== selects[k].value) ok = false;
        }
        if (r.hidden === ok) r.hidden = !ok;
        if (ok) shown += 1;
      });
      if (count) count.textContent = shown + " of " + rows.length + " rows";
    }
    if (text) text.addEventListener("input", apply);
    selects.forEach(function (s) { s.addEventListener("change", apply); });
    apply();
  });
  Array.prototype.forEach.call(document.querySelectorAll("select.pick-block"), function (sel) {
    var root = document.getElementById(sel.getAttribute("data-for"));
    if (!root) return;
    // reveal the whole control (the hidden container, not only the <label> around the select)
    for (var el = sel.parentNode; el && el !== document.body; el = el.parentNode) {
      if (el.hidden) el.hidden = false;
      if (el.classList && el.classList.contains("controls")) break;
    }
    var blocks = Array.prototype.slice.call(root.querySelectorAll("[data-block]"));
    var none = sel.getAttribute("data-none");  // the value that shows no block (null: there is none)
    function apply() {
      blocks.forEach(function (b) {
        b.hidden = sel.value === none || (!!sel.value && b.getAttribute("data-block") !== sel.value);
      });
    }
    function follow() {  // a link to one block (e.g. the country index) selects that block
      var id = decodeURIComponent(location.hash.slice(1));
      var target = id ? document.getElementById(id) : null;
      if (!target || !root.contains(target)) return;
      var block = target.closest("[data-block]");
      if (!block) return;
      sel.value = block.getAttribute("data-block");
      apply();
      block.scrollIntoView();
    }
    sel.addEventListener("change", apply);
    window.addEventListener("hashchange", follow);
    apply();
    follow();
  });
})();

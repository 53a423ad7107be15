// flowforge-audit HTML report: filter and sort the findings table.
// Reads data only from the JSON block #ff-data and moves or hides existing rows; it never
// builds markup from data (no innerHTML), so account strings stay text.
(function () {
  "use strict";
  compliance();
  var block = document.getElementById("ff-data");
  var tbody = document.getElementById("findings-body");
  if (!block || !tbody) { document.body.setAttribute("data-ready", "1"); return; }
  var rows = JSON.parse(block.textContent).rows;
  var els = {};
  Array.prototype.forEach.call(tbody.querySelectorAll("tr[data-i]"), function (tr) {
    els[tr.getAttribute("data-i")] = tr;
  });
  var hay = rows.map(function (r) {
    return [r.status, r.severity, r.check, r.title, r.resource, r.name, r.region, r.message].join("\n").toLowerCase();
  });
  var order = rows.map(function (_, i) { return i; });
  var q = document.getElementById("f-text");
  var st = document.getElementById("f-status");
  var sv = document.getElementById("f-severity");
  var shown = document.getElementById("f-shown");
  var sortKey = null;
  var sortDir = 1;

  function apply() {
    var text = q.value.trim().toLowerCase();
    var s = st.value;
    var v = sv.value;
    var n = 0;
    order.forEach(function (i) {
      var r = rows[i];
      var ok = (!s || r.status === s) && (!v || r.severity === v) && (!text || hay[i].indexOf(text) !== -1);
      var tr = els[String(i)];
      if (tr) { tr.hidden = !ok; if (ok) { n += 1; } }
    });
    shown.textContent = String(n);
  }

  function value(i, key) {
    var r = rows[i];
    if (key === "status") { return r.status_rank; }
    if (key === "severity") { return r.severity_rank; }
    return String(r[key] || "").toLowerCase();
  }

  function sortBy(key, th) {
    if (sortKey === key) { sortDir = -sortDir; } else {
      sortKey = key;
      sortDir = (key === "status" || key === "severity") ? -1 : 1;
    }
    order.sort(function (a, b) {
      var x = value(a, key);
      var y = value(b, key);
      if (x < y) { return -sortDir; }
      if (x > y) { return sortDir; }
      return a - b;
    });
    order.forEach(function (i) { var tr = els[String(i)]; if (tr) { tbody.appendChild(tr); } });
    Array.prototype.forEach.call(document.querySelectorAll("#findings th[data-key]"), function (h) {
      h.removeAttribute("aria-sort");
    });
    th.setAttribute("aria-sort", sortDir === 1 ? "ascending" : "descending");
  }

  Array.prototype.forEach.call(document.querySelectorAll("#findings th[data-key]"), function (th) {
    var button = th.querySelector("button");
    if (button) {
      button.addEventListener("click", function () { sortBy(th.getAttribute("data-key"), th); });
    }
  });
  [q, st, sv].forEach(function (el) { el.addEventListener("input", apply); el.addEventListener("change", apply); });
  // In print, the drift details are open; the findings' evidence column and PASS rows are
  // left out by the print stylesheet (the JSON and CSV reports carry every row and its evidence).
  window.addEventListener("beforeprint", function () {
    Array.prototype.forEach.call(document.querySelectorAll("#drift details"), function (d) { d.open = true; });
  });
  document.getElementById("filters").hidden = false;
  apply();
  document.body.setAttribute("data-ready", "1");

  // The framework tab: one panel shown at a time, its control rows filtered by status
  // ("covered": a check maps to it) and text. Rows are existing markup, only hidden.
  function compliance() {
    var tabs = document.getElementById("fw-tabs");
    var filters = document.getElementById("fw-filters");
    if (!tabs || !filters) { return; }
    var panels = document.querySelectorAll(".fw-panel");
    var text = document.getElementById("c-text");
    var status = document.getElementById("c-status");
    var shown = document.getElementById("c-shown");
    var current = panels.length ? panels[0].getAttribute("data-fw") : "";
    // A link may preselect the framework and the status filter: #fw=aws-fsbp&status=FAIL.
    location.hash.replace(/^#/, "").split("&").forEach(function (kv) {
      var i = kv.indexOf("=");
      if (i < 0) { return; }
      var k = decodeURIComponent(kv.slice(0, i));
      var v = decodeURIComponent(kv.slice(i + 1));
      if (k === "fw" && document.querySelector(".fw-panel[data-fw=\"" + v.replace(/["\\]/g, "") + "\"]")) { current = v; }
      if (k === "status") { status.value = v; }
    });
    function applyControls() {
      var t = text.value.trim().toLowerCase();
      var s = status.value;
      var n = 0;
      Array.prototype.forEach.call(panels, function (p) {
        var on = p.getAttribute("data-fw") === current;
        p.hidden = !on;
        Array.prototype.forEach.call(p.querySelectorAll("tbody tr"), function (tr) {
          var ok = (!s || (s === "covered" ? tr.getAttribute("data-covered") === "1" : tr.getAttribute("data-control-status") === s)) &&
            (!t || tr.textContent.toLowerCase().indexOf(t) !== -1);
          tr.hidden = !ok;
          if (ok && on) { n += 1; }
        });
      });
      shown.textContent = String(n);
    }
    Array.prototype.forEach.call(tabs.querySelectorAll("button[data-fw]"), function (b) {
      b.setAttribute("aria-selected", b.getAttribute("data-fw") === current ? "true" : "false");
      b.addEventListener("click", function () {
        current = b.getAttribute("data-fw");
        Array.prototype.forEach.call(tabs.querySelectorAll("button[data-fw]"), function (o) {
          o.setAttribute("aria-selected", o === b ? "true" : "false");
        });
        applyControls();
      });
    });
    [text, status].forEach(function (el) { el.addEventListener("input", applyControls); el.addEventListener("change", applyControls); });
    window.addEventListener("beforeprint", function () {
      Array.prototype.forEach.call(panels, function (p) { p.hidden = false; });
    });
    window.addEventListener("afterprint", applyControls);
    tabs.hidden = false;
    filters.hidden = false;
    applyControls();
  }
}());

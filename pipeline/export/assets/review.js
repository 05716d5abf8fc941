// zhen review page: flag filters, editing in place, reviewer status, undo, edits kept in the
// browser's storage, and "Download edits" for `zhen review import`. No network, no libraries;
// the page's Content-Security-Policy allows exactly this script.
(function () {
  "use strict";
  var body = document.body;
  var RUN = body.getAttribute("data-run") || "";
  var RUN_DIR = body.getAttribute("data-run-dir") || "";
  var KEY = "zhen-review:" + (RUN || body.getAttribute("data-fallback-key"));
  var rows = Array.prototype.slice.call(document.querySelectorAll("tr.seg"));
  var byId = {};
  var machine = {}; // segment id -> the English the run wrote (the editable cell's first text)
  // Each row's review buttons are built here rather than repeated in the HTML of every row.
  var CONTROLS = document.getElementById("row-controls");
  rows.forEach(function (r) {
    var id = r.getAttribute("data-id");
    byId[id] = r;
    machine[id] = r.querySelector(".en-text").textContent;
    r.querySelector("td.flags").appendChild(CONTROLS.content.cloneNode(true));
  });
  var state = {};   // segment id -> {en?: string, status?: "reviewed" | "needs-work"}
  var undo = [];    // {id, field, before, after}
  var note = document.getElementById("store-note");

  // ---------------------------------------------------------------- storage
  function load() {
    try {
      var saved = JSON.parse(window.localStorage.getItem(KEY) || "{}");
      return saved && saved.v === 1 ? saved.edits || {} : {};
    } catch (e) {
      note.textContent = "Edits cannot be kept in this browser (" + e.name + "): download them before closing.";
      return {};
    }
  }
  function save() {
    try {
      window.localStorage.setItem(KEY, JSON.stringify({ v: 1, run: RUN, edits: state }));
    } catch (e) {
      note.textContent = "Edits cannot be kept in this browser (" + e.name + "): download them before closing.";
    }
  }

  // ---------------------------------------------------------------- rows
  function editor(row) { return row.querySelector(".en-text"); }
  function mt(row) { return machine[row.getAttribute("data-id")]; }
  function current(row) {
    var s = state[row.getAttribute("data-id")];
    return s && typeof s.en === "string" ? s.en : mt(row);
  }
  function paint(row) {
    var s = state[row.getAttribute("data-id")] || {};
    var edited = typeof s.en === "string" && s.en !== mt(row);
    row.classList.toggle("edited", edited);
    row.classList.toggle("reviewed", s.status === "reviewed");
    row.classList.toggle("needs-work", s.status === "needs-work");
    row.querySelector("button.ok").setAttribute("aria-pressed", String(s.status === "reviewed"));
    row.querySelector("button.nw").setAttribute("aria-pressed", String(s.status === "needs-work"));
    row.querySelector("button.revert").hidden = !edited;
  }
  function setText(row, text) {
    var ed = editor(row);
    if (ed.textContent !== text || ed.querySelector("mark")) { ed.textContent = text; }
  }
  function change(id, field, value, record) {
    var row = byId[id];
    var s = state[id] || {};
    var before = field === "en" ? current(row) : s.status || "";
    if (before === value) { return; }
    if (record !== false) { undo.push({ id: id, field: field, before: before, after: value }); }
    if (field === "en") {
      if (value === mt(row)) { delete s.en; } else { s.en = value; }
      setText(row, value);
    } else if (value) {
      s.status = value;
    } else {
      delete s.status;
    }
    s.fp = row.getAttribute("data-fp");
    if (s.en === undefined && !s.status) { delete state[id]; } else { state[id] = s; }
    paint(row);
    save();
    counts();
  }
  function counts() {
    var edited = 0, reviewed = 0, work = 0;
    Object.keys(state).forEach(function (id) {
      var s = state[id], row = byId[id];
      if (row && typeof s.en === "string" && s.en !== mt(row)) { edited += 1; }
      if (s.status === "reviewed") { reviewed += 1; }
      if (s.status === "needs-work") { work += 1; }
    });
    document.getElementById("counts").textContent =
      edited + " edited · " + reviewed + " reviewed · " + work + " need work";
    document.getElementById("download").disabled = Object.keys(state).length === 0;
  }

  // ---------------------------------------------------------------- editing
  var focusValue = null;
  function commit(row) {
    var ed = editor(row);
    change(row.getAttribute("data-id"), "en", ed.textContent.replace(/\s+/g, " ").trim());
  }
  function visibleRows() { return rows.filter(function (r) { return !r.hidden; }); }
  function next(row, step) {
    var list = visibleRows();
    var target = list[list.indexOf(row) + step];
    if (target) { editor(target).focus(); }
  }
  rows.forEach(function (row) {
    var ed = editor(row);
    var id = row.getAttribute("data-id");
    ed.addEventListener("focus", function () {
      if (ed.querySelector("mark")) { ed.textContent = current(row); } // plain text to edit
      focusValue = ed.textContent;
      row.classList.add("editing");
    });
    ed.addEventListener("blur", function () {
      row.classList.remove("editing");
      commit(row);
    });
    ed.addEventListener("paste", function (e) {
      e.preventDefault();
      var text = (e.clipboardData || window.clipboardData).getData("text/plain");
      document.execCommand("insertText", false, text.replace(/\s+/g, " "));
    });
    ed.addEventListener("keydown", function (e) {
      if (e.key === "Escape") {
        ed.textContent = focusValue;
        ed.blur();
      } else if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
        e.preventDefault();
        commit(row);
        change(id, "status", "reviewed");
        next(row, 1);
      } else if (e.key === "Enter") {
        e.preventDefault();
        commit(row);
        next(row, e.shiftKey ? -1 : 1);
      }
    });
    row.querySelector("button.ok").addEventListener("click", function () {
      change(id, "status", (state[id] || {}).status === "reviewed" ? "" : "reviewed");
    });
    row.querySelector("button.nw").addEventListener("click", function () {
      change(id, "status", (state[id] || {}).status === "needs-work" ? "" : "needs-work");
    });
    row.querySelector("button.revert").addEventListener("click", function () {
      change(id, "en", mt(row));
    });
    Array.prototype.forEach.call(row.querySelectorAll("button.use"), function (b) {
      b.addEventListener("click", function () { change(id, "en", b.getAttribute("data-en")); });
    });
  });
  function undoLast() {
    var last = undo.pop();
    if (last && byId[last.id]) { change(last.id, last.field, last.before, false); }
  }
  document.getElementById("undo").addEventListener("click", undoLast);
  document.addEventListener("keydown", function (e) {
    var inEditor = e.target && e.target.classList && e.target.classList.contains("en-text");
    if (!inEditor && (e.ctrlKey || e.metaKey) && !e.shiftKey && e.key.toLowerCase() === "z") {
      e.preventDefault();
      undoLast();
    }
  });

  // ---------------------------------------------------------------- download
  document.getElementById("download").addEventListener("click", function () {
    var segments = Object.keys(state).filter(function (id) { return byId[id]; }).map(function (id) {
      var row = byId[id], s = state[id];
      return { id: id, fingerprint: row.getAttribute("data-fp"), en: current(row), mt: mt(row),
               status: s.status || "" };
    });
    var payload = { format: "zhen-review-edits", version: 1, run: RUN, run_dir: RUN_DIR,
                    saved: new Date().toISOString(), segments: segments };
    var blob = new Blob([JSON.stringify(payload, null, 1)], { type: "application/json" });
    var a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = "review-edits-" + (RUN || "run") + ".json";
    document.body.appendChild(a);
    a.click();
    setTimeout(function () { URL.revokeObjectURL(a.href); a.remove(); }, 1000);
  });

  // ---------------------------------------------------------------- filters
  var boxes = Array.prototype.slice.call(document.querySelectorAll("#filters input[data-flag]"));
  var only = document.getElementById("only-flagged");
  var open = document.getElementById("only-open");
  var shown = document.getElementById("shown");
  function apply() {
    var wanted = boxes.filter(function (b) { return b.checked; })
                      .map(function (b) { return b.getAttribute("data-flag"); });
    var n = 0;
    rows.forEach(function (r) {
      var flags = (r.getAttribute("data-flags") || "").split(" ").filter(Boolean);
      var show = wanted.length ? flags.some(function (f) { return wanted.indexOf(f) >= 0; })
                               : (!only.checked || flags.length > 0);
      if (open.checked && (state[r.getAttribute("data-id")] || {}).status === "reviewed") {
        show = false;
      }
      r.hidden = !show;
      if (show) { n += 1; }
    });
    Array.prototype.forEach.call(document.querySelectorAll("tbody.block"), function (b) {
      b.hidden = !b.querySelector("tr.seg:not([hidden])");
    });
    Array.prototype.forEach.call(document.querySelectorAll("section.doc"), function (d) {
      d.hidden = d.querySelector("tr.seg") !== null && !d.querySelector("tr.seg:not([hidden])");
    });
    shown.textContent = n + " of " + rows.length + " sentences shown";
  }
  boxes.concat([only, open]).forEach(function (b) { b.addEventListener("change", apply); });
  // review.html#flags=number-missing,term-missed or #flagged opens a filtered view.
  var hash = decodeURIComponent(location.hash.slice(1));
  if (hash === "flagged") { only.checked = true; }
  if (hash.indexOf("flags=") === 0) {
    var pick = hash.slice(6).split(",");
    boxes.forEach(function (b) { b.checked = pick.indexOf(b.getAttribute("data-flag")) >= 0; });
  }

  // ---------------------------------------------------------------- start
  var saved = load();
  Object.keys(saved).forEach(function (id) {
    var row = byId[id], s = saved[id];
    if (!row || (s.fp && s.fp !== row.getAttribute("data-fp"))) { return; }
    state[id] = { fp: row.getAttribute("data-fp") };
    if (typeof s.en === "string") { state[id].en = s.en; setText(row, s.en); }
    if (s.status) { state[id].status = s.status; }
    paint(row);
  });
  counts();
  apply();
  body.setAttribute("data-ready", "1");
})();

// The clause browser: show one pair of documents at a time. Every pair is already
// rendered in the page; without this script they are all visible, one after another.
(function () {
  "use strict";
  var select = document.getElementById("pair-select");
  var container = document.getElementById("pairs");
  var onlyReuse = document.getElementById("reuse-only");
  if (select && container) {
    var pairs = container.querySelectorAll(".pair");
    var show = function (key) {
      for (var i = 0; i < pairs.length; i++) {
        pairs[i].hidden = pairs[i].id !== key;
      }
      container.dataset.shown = key;
      if (select.value !== key) { select.value = key; }
    };
    // A link to #pair-… or to one aligned clause pair (#align-…) opens its document pair.
    var fromHash = function () {
      var target = location.hash ? document.getElementById(decodeURIComponent(location.hash.slice(1))) : null;
      var pair = target && target.closest ? target.closest(".pair") : null;
      if (!pair) { return false; }
      show(pair.id);
      if (target.classList.contains("aligned") && !target.classList.contains("reuse")) {
        onlyReuse.checked = false;
        container.classList.remove("only-reuse");
      }
      target.scrollIntoView();
      return true;
    };
    select.addEventListener("change", function () { show(select.value); });
    onlyReuse.addEventListener("change", function () {
      container.classList.toggle("only-reuse", onlyReuse.checked);
    });
    window.addEventListener("hashchange", fromHash);
    if (!fromHash()) { show(select.value); }
  }
  // Keyword in context, offline: the clauses are in #kwic-data. The query is put
  // in canonical form as `policy kwic` does it: Taiwan words, then characters,
  // to Simplified; words separated by spaces must all occur, OR separates alternatives.
  var data = document.getElementById("kwic-data");
  var input = document.getElementById("kwic-query");
  var results = document.getElementById("kwic-results");
  var count = document.getElementById("kwic-count");
  if (data && input && results) {
    var kwic = JSON.parse(data.textContent);
    var chars = {};
    for (var c = 0; c + 1 < kwic.chars.length; c += 2) { chars[kwic.chars[c]] = kwic.chars[c + 1]; }
    var canonical = function (word) {
      for (var p = 0; p < kwic.phrases.length; p++) { word = word.split(kwic.phrases[p][0]).join(kwic.phrases[p][1]); }
      var out = "";
      for (var k = 0; k < word.length; k++) { out += chars[word[k]] || word[k]; }
      return out;
    };
    var parse = function (query) {
      var alternatives = [], current = [];
      query.split(/\s+/).forEach(function (word) {
        if (!word) { return; }
        if (word === "OR" || word === "|") { if (current.length) { alternatives.push(current); } current = []; return; }
        current.push(canonical(word));
      });
      if (current.length) { alternatives.push(current); }
      return alternatives;
    };
    var cell = function (row, text, className) {
      var td = document.createElement("td");
      td.textContent = text;
      if (className) { td.className = className; }
      row.appendChild(td);
    };
    var limit = 500;
    var run = function () {
      var alternatives = parse(input.value);
      results.textContent = "";
      if (!alternatives.length) { count.textContent = ""; return; }
      var words = [].concat.apply([], alternatives), hits = 0, clauses = 0;
      kwic.clauses.forEach(function (clause) {
        var text = clause[2];
        var matches = alternatives.some(function (all) {
          return all.every(function (w) { return text.indexOf(w) >= 0; });
        });
        if (!matches) { return; }
        clauses += 1;
        var spans = [];
        words.forEach(function (w) {
          for (var at = text.indexOf(w); at >= 0; at = text.indexOf(w, at + 1)) { spans.push([at, at + w.length]); }
        });
        spans.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; });
        spans.forEach(function (span, i) {
          if (i && span[0] === spans[i - 1][0] && span[1] === spans[i - 1][1]) { return; }
          hits += 1;
          if (hits > limit) { return; }
          var row = document.createElement("tr");
          cell(row, clause[0]);
          cell(row, "[" + clause[1] + "]", "cid");
          cell(row, text.slice(Math.max(0, span[0] - 20), span[0]).replace(/\n/g, " "), "left");
          cell(row, text.slice(span[0], span[1]), "keyword");
          cell(row, text.slice(span[1], span[1] + 20).replace(/\n/g, " "), "right");
          results.appendChild(row);
        });
      });
      count.textContent = hits + " occurrences in " + clauses + " clauses" + (hits > limit ? " (first " + limit + " shown)" : "");
      results.dataset.query = alternatives.map(function (a) { return a.join(" "); }).join(" OR ");
    };
    input.addEventListener("input", run);
    var wanted = /[?&]q=([^&#]*)/.exec(location.search);
    if (wanted) { input.value = decodeURIComponent(wanted[1]); }
    run();
  }
  document.body.dataset.ready = "1";
})();

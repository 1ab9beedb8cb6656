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
  document.body.dataset.ready = "1";
})();

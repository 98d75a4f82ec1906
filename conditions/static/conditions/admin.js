/* The article editing screen: a character count under alt text and captions, and htmx's live
   preview for part rows added with "Add another". Everything works without this file. */
"use strict";

(function () {
  function setUpCounts(root) {
    root.querySelectorAll("p.char-count[data-count-for]").forEach(function (count) {
      var field = document.getElementById(count.dataset.countFor);
      if (!field || count.dataset.ready) { return; }
      count.dataset.ready = "1";
      var timer = null;
      field.addEventListener("input", function () {
        // Written after a short pause, so a screen reader is not interrupted at every key.
        clearTimeout(timer);
        timer = setTimeout(function () {
          count.textContent = field.value.length + " of " + count.dataset.max + " characters";
        }, 700);
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () { setUpCounts(document); });
  // Django's inlines.js fires this on a new row, after it has numbered its fields.
  document.addEventListener("formset:added", function (event) {
    var row = event.target;
    row.querySelectorAll("p.char-count[data-count-for]").forEach(function (count) {
      var field = count.previousElementSibling;
      if (field && field.id) { count.dataset.countFor = field.id; }
    });
    setUpCounts(row);
    if (window.htmx) { window.htmx.process(row); }
  });
})();

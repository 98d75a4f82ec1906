/* Condition pages, enhancement only (the page works the same without it):
   - "On this page" in the side column (wide screens) marks the section being read with
     aria-current="true", so the reader sees where they are in a long article;
   - after an answer to "Is this page useful?" replaces the buttons (htmx), focus moves to the
     answer's message, as the button that had it is gone. */
(function () {
  "use strict";

  function markSectionBeingRead() {
    var nav = document.querySelector(".contents--side");
    if (!nav || !("IntersectionObserver" in window)) {
      return;
    }
    var links = {};
    var sections = [];
    var anchors = nav.querySelectorAll('a[href^="#"]');
    for (var i = 0; i < anchors.length; i += 1) {
      var heading = document.getElementById(anchors[i].getAttribute("href").slice(1));
      var section = heading && heading.closest("section");
      if (section) {
        links[heading.id] = anchors[i];
        sections.push(section);
      }
    }
    var visible = new Set();
    var current = null;

    function mark(id) {
      if (id === current) {
        return;
      }
      if (current && links[current]) {
        links[current].removeAttribute("aria-current");
      }
      current = id;
      links[id].setAttribute("aria-current", "true");
    }

    // A section counts as being read while it crosses the band from 10% to 40% down the window;
    // of those, the first in the page. Between sections the last one stays marked.
    var observer = new IntersectionObserver(
      function (entries) {
        entries.forEach(function (entry) {
          if (entry.isIntersecting) {
            visible.add(entry.target);
          } else {
            visible.delete(entry.target);
          }
        });
        for (var j = 0; j < sections.length; j += 1) {
          if (visible.has(sections[j])) {
            mark(sections[j].getAttribute("aria-labelledby"));
            return;
          }
        }
      },
      { rootMargin: "-10% 0px -60% 0px" }
    );
    sections.forEach(function (section) {
      observer.observe(section);
    });
  }

  function focusFeedbackAnswer(event) {
    var target = event.detail && event.detail.target;
    if (!target || target.id !== "feedback") {
      return;
    }
    var invalid = target.querySelector('[aria-invalid="true"]');
    var message = target.querySelector(".feedback__message");
    (invalid || message || target).focus();
  }

  document.addEventListener("htmx:afterSettle", focusFeedbackAnswer);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", markSectionBeingRead);
  } else {
    markSectionBeingRead();
  }
})();

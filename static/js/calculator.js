/* Severity calculator: small enhancements only. The page works fully without this file.
   - Focus: the form posts to "#error-summary" and a result opens at "#result-heading"; both are
     focusable, so browsers already move focus there. This file covers a page opened without that
     fragment (an old link, a bookmark) and a result link that could not be read.
   - Shows a "Print this result" button (printing needs JavaScript; the link next to it does not).
   A static file because the Content Security Policy forbids inline script and hx-on. */
(function () {
  "use strict";

  document.documentElement.classList.add("js");

  function firstPresent(ids) {
    for (var i = 0; i < ids.length; i += 1) {
      var element = document.getElementById(ids[i]);
      if (element) {
        return element;
      }
    }
    return null;
  }

  function focusOnLoad() {
    // A bad result link first, then errors; a result only when the address asks for it.
    var target = firstPresent(["handoff-error", "error-summary"]);
    if (!target && /[?&]result=/.test(window.location.search)) {
      target = document.getElementById("result-heading");
    }
    if (target && document.activeElement !== target) {
      target.focus();
      target.scrollIntoView({ block: "start" });
    }
  }

  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-calculator-print]")) {
      window.print();
    }
  });

  // After "load" and a tick: the browser's own scroll-and-focus to the URL fragment runs first,
  // and would otherwise take focus straight back.
  if (document.readyState === "complete") {
    window.setTimeout(focusOnLoad, 0);
  } else {
    window.addEventListener("load", function () {
      window.setTimeout(focusOnLoad, 0);
    });
  }
})();

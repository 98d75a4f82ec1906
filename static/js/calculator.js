/* Severity calculator: small enhancements only. The page works fully without this file.
   - moves focus to the error summary, or to the result after "Show my result", so screen
     readers start there;
   - shows a "Print this result" button (printing needs JavaScript; the link next to it does not).
   A static file because the Content Security Policy forbids inline script and hx-on. */
(function () {
  "use strict";

  document.documentElement.classList.add("js");

  function focusOn(element) {
    if (element) {
      element.focus();
      element.scrollIntoView({ block: "start" });
    }
  }

  function focusOnLoad() {
    var summary = document.getElementById("error-summary");
    var handoffError = document.getElementById("handoff-error");
    if (summary) {
      focusOn(summary);
    } else if (handoffError) {
      focusOn(handoffError);
    } else if (window.location.hash === "#result") {
      focusOn(document.getElementById("result-heading"));
    }
  }

  document.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("[data-calculator-print]")) {
      window.print();
    }
  });

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusOnLoad);
  } else {
    focusOnLoad();
  }
})();

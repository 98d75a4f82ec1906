/* Site-wide enhancement, loaded on every page (no inline script: the CSP allows only our files).
   When a form comes back with errors, move focus to its error summary so keyboard and screen
   reader users hear what went wrong and can follow its links to each field. */
(function () {
  "use strict";
  function focusErrorSummary() {
    var summary = document.querySelector(".error-summary");
    if (!summary || summary.contains(document.activeElement)) {
      return;
    }
    if (!summary.hasAttribute("tabindex")) {
      summary.setAttribute("tabindex", "-1");
    }
    summary.focus();
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", focusErrorSummary);
  } else {
    focusErrorSummary();
  }
})();

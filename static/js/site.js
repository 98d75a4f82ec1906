/* Site-wide enhancement, loaded on every page (no inline script: the CSP allows only our files).
   - When a form comes back with errors, move focus to its error summary so keyboard and screen
     reader users hear what went wrong and can follow its links to each field.
   - Printing (static/css/print.css): write the date printed into the print header, and give each
     link in the page its full address to print after it. Done at print time ("beforeprint", and
     when print media starts to apply, for print previews that do not announce themselves); the
     links also on load and after htmx swaps. The page itself is cached and the same for everyone;
     only the browser knows today's date. The date is not written on load: the first date
     formatted in a time zone costs a phone about a quarter of a second (the browser loads its
     time zone data), which would hold up the page for nothing. */
(function () {
  "use strict";

  document.documentElement.classList.add("js");

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

  // Today in the site's time zone (the one the page names), as the calculator dates its results.
  function today(timeZone) {
    var options = { day: "numeric", month: "long", year: "numeric" };
    try {
      return new Date().toLocaleDateString("en-SG", timeZone ? Object.assign({ timeZone: timeZone }, options) : options);
    } catch (error) {
      return new Date().toLocaleDateString("en-SG", options); // a zone this browser does not know
    }
  }

  function writePrintDate() {
    var dates = document.querySelectorAll("[data-print-date]");
    for (var i = 0; i < dates.length; i += 1) {
      dates[i].textContent = today(dates[i].getAttribute("data-time-zone"));
    }
  }

  function prepareForPrint() {
    writePrintDate();
    prepareLinks();
  }

  function prepareLinks() {
    var links = document.querySelectorAll("main a[href]");
    for (var j = 0; j < links.length; j += 1) {
      var link = links[j];
      var href = link.getAttribute("href");
      // Links within the page, phone numbers and mail addresses say nothing useful on paper.
      var printable = href.charAt(0) !== "#" && /^https?:$/.test(link.protocol) && link.textContent.trim() !== link.href;
      if (printable) {
        link.setAttribute("data-print-href", link.href);
      } else {
        link.removeAttribute("data-print-href");
      }
    }
  }

  function onReady() {
    focusErrorSummary();
    prepareLinks();
  }

  window.addEventListener("beforeprint", prepareForPrint);
  if (window.matchMedia) {
    var print = window.matchMedia("print");
    var onChange = function (event) {
      if (event.matches) {
        prepareForPrint();
      }
    };
    if (print.addEventListener) {
      print.addEventListener("change", onChange);
    } else if (print.addListener) {
      print.addListener(onChange); // older Safari
    }
  }
  document.addEventListener("htmx:afterSettle", prepareLinks);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", onReady);
  } else {
    onReady();
  }
})();

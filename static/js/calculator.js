/* Severity calculator: small enhancements only. The page works fully without this file.
   - Focus: the form posts to "#error-summary" and a result opens at "#result-heading"; both are
     focusable, so browsers already move focus there. This file covers a page opened without that
     fragment (an old link, a bookmark) and a result link that could not be read.
   - "Copy result" puts the plain text of the result and the answers (the <template id="result-text">
     the server wrote) on the clipboard, and says so in a status message.
   - "Print this result" opens the browser's print dialog.
   Both buttons show only when this file runs (site.css). A static file because the Content
   Security Policy forbids inline script and hx-on. */
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

  function say(message) {
    var status = document.getElementById("result-copied");
    if (status) {
      status.textContent = message;
    }
  }

  function copyResult() {
    var template = document.getElementById("result-text");
    var text = template ? template.content.textContent : "";
    var failed = "Your browser did not let us copy the result. You can select the result on this page and copy it yourself.";
    if (!text || !navigator.clipboard || !navigator.clipboard.writeText) {
      say(failed);
      return;
    }
    navigator.clipboard.writeText(text).then(
      function () {
        say("Result copied, with your answers. You can paste it into a message or a note.");
      },
      function () {
        say(failed);
      }
    );
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-copy-result], [data-print-result]") : null;
    if (!button) {
      return;
    }
    if (button.hasAttribute("data-copy-result")) {
      copyResult();
    } else {
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

// A button with data-print prints the page (static/css/print.css lays it out on A4). It is
// shown only when this script runs: without JavaScript the browser's own print command does
// the same. A static file, because the CSP refuses inline scripts.
(function () {
  "use strict";

  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
})();

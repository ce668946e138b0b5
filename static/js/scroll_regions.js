// A table that scrolls sideways (.table-responsive on a phone: static/css/tables.css) must be
// reachable by keyboard, or a keyboard user cannot see its hidden columns (WCAG 2.1.1; axe's
// scrollable-region-focusable). Such a box becomes a named region in the tab order while it
// scrolls, and leaves the tab order again when the window widens and it no longer does.
(function () {
  "use strict";

  function nameOf(box) {
    var caption = box.querySelector("caption");
    if (caption && caption.textContent.trim()) {
      return caption.textContent.trim();
    }
    var section = box.closest("section[aria-labelledby]");
    var heading = section && document.getElementById(section.getAttribute("aria-labelledby"));
    return heading ? heading.textContent.trim() : document.title;
  }

  function update(box) {
    var scrolls = box.scrollWidth > box.clientWidth + 1;
    if (scrolls && !box.hasAttribute("tabindex")) {
      box.setAttribute("tabindex", "0");
      box.setAttribute("data-scroll-region", "");
      if (!box.hasAttribute("role")) {
        box.setAttribute("role", "region");
      }
      if (!box.hasAttribute("aria-label") && !box.hasAttribute("aria-labelledby")) {
        box.setAttribute("aria-label", nameOf(box));
      }
    } else if (!scrolls && box.hasAttribute("data-scroll-region")) {
      box.removeAttribute("tabindex");
      box.removeAttribute("data-scroll-region");
    }
  }

  function updateAll() {
    document.querySelectorAll(".table-responsive").forEach(update);
  }

  document.addEventListener("DOMContentLoaded", function () { updateAll(); });
  window.addEventListener("resize", function () { updateAll(); });
  document.addEventListener("htmx:afterSettle", function () { updateAll(); });
})();

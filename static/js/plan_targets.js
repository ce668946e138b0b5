// Annual plan, monthly targets: the year's figure of a count is the sum of its months when any
// month is given (the server sums them the same way on saving: plans/content.py from_cleaned).
// As months are typed, the year's box shows their sum and is read-only; with every month empty
// it is the user's own figure again. A polite live region says the new sum.
(function () {
  "use strict";

  function number(text) {
    // Full-width digits, as an IME types them, count like half-width ones.
    const value = text.trim().replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xFEE0));
    return /^\d+$/.test(value) ? parseInt(value, 10) : NaN;
  }

  function update(row, announce) {
    const year = row.querySelector(".target-year input");
    const months = Array.from(row.querySelectorAll(".target-month input"));
    if (!year || !months.length) return;
    const given = months.filter((input) => input.value.trim() !== "");
    if (!given.length) {
      if (year.readOnly) {
        year.readOnly = false;
        year.value = year.dataset.ownFigure || "";
      }
      return;
    }
    if (!year.readOnly) {
      year.dataset.ownFigure = year.value;
      year.readOnly = true;
    }
    const values = given.map((input) => number(input.value));
    if (values.some(Number.isNaN)) return;  // the server explains what is wrong on saving
    const sum = values.reduce((a, b) => a + b, 0);
    year.value = String(sum);
    const status = document.getElementById("target-sum-status");
    if (announce && status) {
      status.textContent = status.dataset.template
        .replace("%(indicator)s", row.dataset.indicator || "")
        .replace("%(sum)s", sum.toLocaleString("ja-JP"));
    }
  }

  document.addEventListener("input", (event) => {
    const row = event.target.closest && event.target.closest("table.plan-targets tbody tr");
    if (row && event.target.closest(".target-month")) update(row, true);
  });

  document.querySelectorAll("table.plan-targets tbody tr").forEach((row) => update(row, false));
})();

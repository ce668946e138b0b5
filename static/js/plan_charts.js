/* Plan dashboards: draws each <canvas data-chart-source="ID"> from the JSON in the
   <script type="application/json" id="ID"> that Django's json_script wrote (the CSP forbids
   inline scripts). Bars are the actuals, the line is the target. The table beside every chart
   holds the same numbers and is what screen readers use; the canvas has role="img" and an
   aria-label. Loaded with defer after vendor/chartjs/chart.umd.min.js. Each chart is drawn
   when it comes near the viewport. */
(function () {
  "use strict";

  function draw(canvas) {
    var source = document.getElementById(canvas.dataset.chartSource);
    if (!source || typeof window.Chart === "undefined") {
      return;
    }
    var data = JSON.parse(source.textContent);
    var percent = data.unit === "percent";
    var lang = document.documentElement.lang || "ja";
    var still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    var format = function (value) {
      if (value === null || value === undefined) {
        return "—";
      }
      var text = Number(value).toLocaleString(lang, {maximumFractionDigits: 1});
      return percent ? text + "%" : text;
    };
    var yScale = {beginAtZero: true, ticks: {callback: format}};
    if (percent) {
      yScale.max = 100;
    }
    new window.Chart(canvas, {
      data: {
        labels: data.labels,
        datasets: [
          {
            type: "bar",
            label: data.actualLabel,
            data: data.actual,
            backgroundColor: "rgba(0, 23, 193, 0.75)",  // the Agency's blue-900 (css/tokens-bootstrap.css)
            borderColor: "rgb(0, 23, 193)",
            borderWidth: 1,
            order: 2
          },
          {
            type: "line",
            label: data.targetLabel,
            data: data.target,
            borderColor: "rgb(176, 42, 55)",
            backgroundColor: "rgb(176, 42, 55)",
            borderDash: [6, 4],
            pointStyle: "rectRot",
            pointRadius: 4,
            spanGaps: false,
            order: 1
          }
        ]
      },
      options: {
        responsive: true,
        animation: still ? false : undefined,
        scales: {y: yScale},
        plugins: {
          legend: {position: "bottom"},
          tooltip: {
            callbacks: {
              label: function (context) {
                return context.dataset.label + ": " + format(context.raw);
              }
            }
          }
        }
      }
    });
  }

  // HQ's bureau page holds a chart per indicator for each of nine bureaus: each is drawn as
  // it comes near the viewport rather than all at once while the page loads.
  function drawAll() {
    var canvases = document.querySelectorAll("canvas[data-chart-source]");
    if (!("IntersectionObserver" in window)) {
      canvases.forEach(draw);
      return;
    }
    var observer = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting) {
          observer.unobserve(entry.target);
          draw(entry.target);
        }
      });
    }, {rootMargin: "400px 0px"});
    canvases.forEach(function (canvas) { observer.observe(canvas); });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();

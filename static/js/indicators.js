/* Indicator charts: Chart.js (loaded only on pages with a chart) draws each
 * <canvas data-chart="{labels, series}">. The same figures are in the table next to it. */
(function () {
  "use strict";
  if (!window.Chart) return;
  const dashes = { baseline: [2, 3], target: [6, 4] };

  function draw(canvas) {
    if (canvas.dataset.drawn) return;
    let data;
    try { data = JSON.parse(canvas.dataset.chart); } catch (e) { return; }
    canvas.dataset.drawn = "1";
    const reduce = window.matchMedia("(prefers-reduced-motion: reduce)").matches;
    new window.Chart(canvas, {
      type: "line",
      data: {
        labels: data.labels,
        datasets: data.series.map(function (s) {
          return {
            label: s.label, data: s.data, borderColor: s.color, backgroundColor: s.color,
            borderDash: dashes[s.kind] || [], borderWidth: s.kind === "value" ? 3 : 1.5,
            pointRadius: s.kind === "value" || s.kind === "org" ? 3 : 0, spanGaps: true,
            tension: 0
          };
        })
      },
      options: {
        responsive: true, maintainAspectRatio: false, animation: reduce ? false : { duration: 300 },
        interaction: { mode: "index", intersect: false },
        plugins: { legend: { position: "bottom", labels: { boxWidth: 14 } } },
        scales: { y: { beginAtZero: false, title: { display: !!data.unit, text: data.unit } } }
      }
    });
  }

  function drawAll(root) {
    (root || document).querySelectorAll("canvas[data-chart]").forEach(draw);
  }
  drawAll();
  document.addEventListener("htmx:afterSettle", function (evt) { drawAll(evt.detail.elt); });
})();

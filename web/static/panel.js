// The panel's only script of its own (no inline scripts: the CSP forbids them).
// - htmx sends the session's CSRF token with every request it makes (from the <meta> tag);
// - every element of class "chart" is drawn by uPlot from its data attributes: data-labels
//   (comma-separated x labels), data-values (numbers), data-label (the series' name).
document.addEventListener("htmx:configRequest", (event) => {
  const token = document.querySelector('meta[name="csrf-token"]');
  if (token) event.detail.headers["X-CSRF-Token"] = token.content;
});

// 1250000 -> "1.25M": axis labels that fit beside a phone-width chart.
function compact(v) {
  if (Math.abs(v) >= 1e9) return `${+(v / 1e9).toFixed(2)}B`;
  if (Math.abs(v) >= 1e6) return `${+(v / 1e6).toFixed(2)}M`;
  if (Math.abs(v) >= 1e3) return `${+(v / 1e3).toFixed(1)}k`;
  return String(+v.toFixed(2));
}

function drawChart(box) {
  const labels = box.dataset.labels.split(",");
  const values = box.dataset.values.split(",").map(Number);
  const xs = labels.map((_, i) => i);
  const width = Math.max(280, Math.min(720, box.clientWidth || 320));
  const bars = uPlot.paths.bars({ size: [0.7, 40] });
  new uPlot(
    {
      width,
      height: 200,
      scales: { x: { time: false, range: [-0.5, labels.length - 0.5] } },
      legend: { show: false },
      axes: [
        { values: (_, ticks) => ticks.map((t) => labels[t] ?? ""), incrs: [1, 2, 5, 10] },
        { size: 60, values: (_, ticks) => ticks.map(compact) },
      ],
      series: [
        { value: (_, i) => labels[i] ?? "" },
        { label: box.dataset.label, stroke: "#1f6feb", fill: "rgba(31,111,235,0.35)", paths: bars, points: { show: false } },
      ],
    },
    [xs, values],
    box,
  );
  box.dataset.drawn = "true";
}

document.addEventListener("DOMContentLoaded", () => {
  if (typeof uPlot === "undefined") return;
  document.querySelectorAll(".chart").forEach(drawChart);
});

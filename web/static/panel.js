// The panel's only script of its own (no inline scripts: the CSP forbids them).
// - htmx sends the session's CSRF token with every request it makes (from the <meta> tag);
// - the account page's usage chart is drawn by uPlot from the data attributes of its element.
document.addEventListener("htmx:configRequest", (event) => {
  const token = document.querySelector('meta[name="csrf-token"]');
  if (token) event.detail.headers["X-CSRF-Token"] = token.content;
});

function drawUsage() {
  const box = document.getElementById("usage-chart");
  if (!box || typeof uPlot === "undefined") return;
  const days = box.dataset.days.split(",");
  const counts = box.dataset.counts.split(",").map(Number);
  const xs = days.map((d) => Date.parse(d + "T00:00:00+05:00") / 1000);
  const width = Math.max(280, Math.min(720, box.clientWidth || 320));
  new uPlot(
    {
      width,
      height: 200,
      series: [{}, { label: box.dataset.label, stroke: "#1f6feb", fill: "rgba(31,111,235,0.15)" }],
      axes: [{}, {}],
      scales: { x: { time: true } },
    },
    [xs, counts],
    box,
  );
  box.dataset.drawn = "true";
}

document.addEventListener("DOMContentLoaded", drawUsage);

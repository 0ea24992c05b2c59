// Earned value chart: PV, EV and AC per week, from the JSON named by data-ev-chart (no inline
// scripts: the CSP forbids them).
document.querySelectorAll("canvas[data-ev-chart]").forEach((canvas) => {
  const source = document.getElementById(canvas.dataset.evChart);
  if (!source || typeof window.Chart === "undefined") return;
  const data = JSON.parse(source.textContent);
  const line = (key, colour, dash) => ({
    label: data.names[key],
    data: data[key],
    borderColor: colour,
    backgroundColor: colour,
    borderDash: dash,
    tension: 0.1,
    spanGaps: true,
  });
  new window.Chart(canvas, {
    type: "line",
    data: {
      labels: data.labels,
      datasets: [line("pv", "#6c757d", [6, 4]), line("ev", "#198754", []), line("ac", "#dc3545", [])],
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      interaction: { mode: "index", intersect: false },
      scales: { y: { beginAtZero: true, title: { display: true, text: canvas.dataset.currency } } },
    },
  });
});

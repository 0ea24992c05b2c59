// Risk exposure chart: the sum of scores (line) and the count of risks per level (stacked bars)
// over time, from the JSON named by data-risk-chart (no inline scripts: the CSP forbids them).
document.querySelectorAll("canvas[data-risk-chart]").forEach((canvas) => {
  const source = document.getElementById(canvas.dataset.riskChart);
  if (!source || typeof window.Chart === "undefined") return;
  const data = JSON.parse(source.textContent);
  const colours = { low: "#198754", medium: "#0dcaf0", high: "#ffc107", critical: "#dc3545" };
  const bars = Object.keys(colours).map((level) => ({
    type: "bar",
    label: data.names[level],
    data: data.levels[level],
    backgroundColor: colours[level],
    stack: "levels",
    yAxisID: "count",
  }));
  new window.Chart(canvas, {
    data: {
      labels: data.labels,
      datasets: [
        {
          type: "line",
          label: data.names.score,
          data: data.score,
          borderColor: "#212529",
          backgroundColor: "#212529",
          tension: 0.1,
          yAxisID: "score",
        },
        ...bars,
      ],
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      interaction: { mode: "index", intersect: false },
      scales: {
        score: { position: "left", beginAtZero: true, title: { display: true, text: data.names.score } },
        count: {
          position: "right", beginAtZero: true, stacked: true, grid: { drawOnChartArea: false },
          ticks: { precision: 0 }, title: { display: true, text: data.names.count },
        },
        x: { stacked: true },
      },
    },
  });
});

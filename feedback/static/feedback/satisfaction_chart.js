// Satisfaction dashboard charts, from the JSON named by data-satisfaction-chart (no inline
// scripts: the CSP forbids them). Every figure was computed by the server in SQL.
(() => {
  if (typeof window.Chart === "undefined") return;
  const colours = ["#0d6efd", "#198754", "#dc3545", "#fd7e14", "#6f42c1", "#20c997", "#6c757d"];
  const options = (extra) => ({
    responsive: true,
    maintainAspectRatio: false,
    interaction: { mode: "index", intersect: false },
    ...extra,
  });
  const draw = {
    trend: (canvas, data) => new window.Chart(canvas, {
      type: "line",
      data: {
        labels: data[canvas.dataset.series].labels,
        datasets: [
          { label: data.names.nps, data: data[canvas.dataset.series].nps, borderColor: colours[0], backgroundColor: colours[0], spanGaps: true, yAxisID: "y" },
          { label: data.names.csat, data: data[canvas.dataset.series].csat, borderColor: colours[1], backgroundColor: colours[1], spanGaps: true, yAxisID: "y" },
        ],
      },
      options: options({ scales: { y: { min: -100, max: 100 } } }),
    }),
    rates: (canvas, data) => new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: data.rates.labels,
        datasets: [{ label: data.names.rate, data: data.rates.rate, backgroundColor: colours[0] }],
      },
      options: options({ scales: { y: { min: 0, max: 100 } } }),
    }),
    health: (canvas, data) => new window.Chart(canvas, {
      type: "line",
      data: {
        labels: data.health.labels,
        datasets: data.health.clients.map((client, index) => ({
          label: client.name,
          data: client.nps,
          borderColor: colours[index % colours.length],
          backgroundColor: colours[index % colours.length],
          spanGaps: true,
        })),
      },
      options: options({ scales: { y: { min: -100, max: 100, title: { display: true, text: data.names.nps } } } }),
    }),
    topics: (canvas, data) => new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: data.topics.labels,
        datasets: [{ label: data.names.mean, data: data.topics.mean, backgroundColor: colours[4] }],
      },
      options: options({ indexAxis: "y", scales: { x: { min: 0, max: 5 } } }),
    }),
  };
  document.querySelectorAll("canvas[data-satisfaction-chart]").forEach((canvas) => {
    const source = document.getElementById(canvas.dataset.satisfactionChart);
    const kind = draw[canvas.dataset.kind];
    if (!source || !kind) return;
    kind(canvas, JSON.parse(source.textContent));
  });
})();

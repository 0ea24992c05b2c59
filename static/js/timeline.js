// Rapport: the timeline's Gantt is drawn on the server (projects/_gantt.html) and needs no
// script. This only scrolls a chart wider than its card so that today's line is in view when the
// page opens (a third of the way across the bars), unless it already is; and only where the task
// table stays in place beside the bars (on a phone the table scrolls too: the names come first).
(function () {
  "use strict";

  function showToday(frame) {
    const line = frame.querySelector(".gantt-today line");
    const chart = frame.querySelector(".gantt-chart");
    if (!line || !chart || frame.scrollWidth <= frame.clientWidth) return;
    const side = frame.querySelector(".gantt-side");
    if (!side || getComputedStyle(side).position !== "sticky") return;
    const frameBox = frame.getBoundingClientRect();
    const chartBox = chart.getBoundingClientRect();
    const scale = chartBox.width / chart.viewBox.baseVal.width;
    const x = chartBox.left - frameBox.left + frame.scrollLeft + line.x1.baseVal.value * scale;
    const covered = side.offsetWidth;
    const left = frame.scrollLeft + covered;
    const right = frame.scrollLeft + frame.clientWidth;
    if (x >= left + 24 && x <= right - 24) return;
    frame.scrollLeft = Math.max(0, x - covered - (frame.clientWidth - covered) / 3);
  }

  function showAll() {
    document.querySelectorAll(".gantt-frame").forEach(showToday);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", showAll);
  } else {
    showAll();
  }
})();

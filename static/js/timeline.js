// Rapport: the timeline (Gantt) drawn with frappe-gantt from the JSON the page carries
// (json_script, never an inline script: the CSP forbids them). frappe-gantt writes labels and
// popups with innerHTML, so every text from the data is escaped here first.
(function () {
  "use strict";

  function escapeHtml(text) {
    return String(text)
      .replaceAll("&", "&amp;")
      .replaceAll("<", "&lt;")
      .replaceAll(">", "&gt;")
      .replaceAll('"', "&quot;")
      .replaceAll("'", "&#39;");
  }

  function draw(target) {
    const source = document.getElementById(target.dataset.gantt);
    if (!source || typeof window.Gantt !== "function") return;
    const items = JSON.parse(source.textContent);
    if (!items.length) return;
    const tasks = items.map((item) => ({
      id: item.id,
      name: escapeHtml(item.name),
      start: item.start,
      end: item.end,
      progress: item.progress,
      dependencies: item.dependencies,
      custom_class: item.custom_class,
      detail: escapeHtml(item.detail),
    }));
    const language = (target.dataset.ganttLanguage || "en").startsWith("zh") ? "zh" : "en";
    // eslint-disable-next-line no-new
    new window.Gantt(target, tasks, {
      view_mode: "Week",
      readonly: true,
      today_button: true,
      scroll_to: "today",
      language: language,
      popup_on: "click",
      popup: (context) => {
        context.set_title(context.task.name);
        context.set_subtitle("");
        context.set_details(context.task.detail);
      },
    });
  }

  function drawAll() {
    document.querySelectorAll("[data-gantt]").forEach(draw);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();

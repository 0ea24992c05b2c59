// "View as this client" is read-only: disable every form that would change something (the
// server refuses them anyway), except the one that stops the view.
(function () {
  "use strict";
  function disableForms() {
    if (!document.body.classList.contains("view-as")) return;
    document.querySelectorAll("form").forEach(function (form) {
      var method = (form.getAttribute("method") || "get").toLowerCase();
      if (method !== "post" || form.classList.contains("view-as-stop")) return;
      form.querySelectorAll("button, input, select, textarea").forEach(function (field) {
        field.disabled = true;
      });
    });
    document.querySelectorAll("[hx-post], [hx-put], [hx-patch], [hx-delete]").forEach(
      function (element) {
        if (!element.closest(".view-as-stop")) element.setAttribute("disabled", "disabled");
      }
    );
  }
  document.addEventListener("DOMContentLoaded", disableForms);
  document.addEventListener("htmx:afterSwap", disableForms);
})();

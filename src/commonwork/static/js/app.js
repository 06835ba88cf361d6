// Every page: register the service worker, so the worker's page installs as an app and
// keeps working through a dropped signal (site.views.service_worker).
if ("serviceWorker" in navigator) {
  window.addEventListener("load", function () {
    navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {
      /* the site works without it */
    });
  });
}

// Tables with column heads become stacked cards on a phone (site.css): each cell carries
// its column's name.
function labelTableCells(root) {
  root.querySelectorAll("table").forEach(function (table) {
    const heads = table.querySelectorAll("thead th");
    if (!heads.length || table.classList.contains("stacked")) return;
    const names = Array.from(heads, function (th) { return th.textContent.trim(); });
    table.querySelectorAll("tbody tr, tfoot tr").forEach(function (row) {
      Array.from(row.children).forEach(function (cell, index) {
        if (index < names.length && !cell.hasAttribute("data-label")) cell.setAttribute("data-label", names[index]);
      });
    });
    table.classList.add("stacked");
  });
}
document.addEventListener("DOMContentLoaded", function () { labelTableCells(document); });
document.addEventListener("htmx:afterSettle", function (event) { labelTableCells(event.target); });

// Puts an "export to Excel" link above every data table: the same page with export_table=<id> (or @n,
// the n-th data table), which the server answers with that table as .xlsx (tisheng.web.export).
(function () {
  "use strict";
  function addLinks(root) {
    var label = document.body.dataset.exportLabel || "Excel";
    var title = document.body.dataset.exportTitle || "";
    var tables = document.querySelectorAll("table.data");
    tables.forEach(function (table, index) {
      if (!root.contains(table) || table.dataset.exportReady || table.dataset.noExport !== undefined) { return; }
      if (!table.tBodies.length || !table.tBodies[0].rows.length) { return; }
      var first = table.tBodies[0].rows[0];
      // a lone row with one spanning cell is the table's "nothing here" line: nothing to export
      if (table.tBodies[0].rows.length === 1 && first.cells.length === 1 && first.cells[0].colSpan > 1) { return; }
      table.dataset.exportReady = "1";
      var url = new URL(window.location.href);
      url.searchParams.set("export_table", table.id || "@" + (index + 1));
      var link = document.createElement("a");
      link.className = "export-link";
      link.href = url.pathname + url.search;
      link.textContent = label;
      link.title = title;
      link.setAttribute("download", "");
      var holder = table.closest(".scroll") || table;
      holder.parentNode.insertBefore(link, holder);
    });
  }
  document.addEventListener("DOMContentLoaded", function () { addLinks(document); });
  document.addEventListener("htmx:afterSwap", function () { addLinks(document); });
})();

/* Phone layout for data tables: every table in <main> gets the class "table-stack" and each body
   cell a data-label naming its column (taken from the header row, following rowspan and colspan),
   so faelleskurv.css can show each row as a card on a narrow screen instead of a table that runs
   off to the right. Tables without a header row, or marked "table-nostack", are left alone. */
(function () {
  "use strict";

  function headerLabels(table) {
    var head = table.tHead;
    if (!head || !head.rows.length) {
      return null;
    }
    var row = head.rows[head.rows.length - 1];
    var labels = [];
    for (var i = 0; i < row.cells.length; i++) {
      var cell = row.cells[i];
      var text = (cell.getAttribute("data-label") || cell.textContent || "").replace(/\s+/g, " ").trim();
      for (var span = 0; span < (cell.colSpan || 1); span++) {
        labels.push(text);
      }
    }
    return labels;
  }

  function labelBody(body, labels) {
    var carried = []; // column index -> rows still covered by a rowspan from above
    for (var r = 0; r < body.rows.length; r++) {
      var row = body.rows[r];
      var column = 0;
      var summary = false;
      for (var s = 0; s < row.cells.length; s++) {
        summary = summary || row.cells[s].colSpan > 1;
      }
      if (summary) {
        row.classList.add("table-stack-summary"); // a totals row: its own words, no column names
      }
      for (var c = 0; c < row.cells.length; c++) {
        while (carried[column] > 0) {
          column++;
        }
        var cell = row.cells[c];
        var colspan = cell.colSpan || 1;
        if (!summary && !cell.hasAttribute("data-label") && labels[column]) {
          cell.setAttribute("data-label", labels[column]);
        }
        for (var k = 0; k < colspan; k++) {
          carried[column + k] = Math.max(carried[column + k] || 0, (cell.rowSpan || 1));
        }
        column += colspan;
      }
      for (var j = 0; j < carried.length; j++) {
        if (carried[j] > 0) {
          carried[j]--;
        }
      }
    }
  }

  function stack(table) {
    if (table.classList.contains("table-nostack") || table.getAttribute("data-stacked")) {
      return;
    }
    var labels = headerLabels(table);
    if (!labels) {
      return; // a key-value table without a header row already fits a phone
    }
    table.classList.add("table-stack");
    table.setAttribute("data-stacked", "1");
    for (var b = 0; b < table.tBodies.length; b++) {
      labelBody(table.tBodies[b], labels);
    }
  }

  function stackAll(root) {
    var tables = (root || document).querySelectorAll("main table.table, table.table-stack");
    for (var i = 0; i < tables.length; i++) {
      stack(tables[i]);
    }
  }

  window.faelleskurvStackTables = stackAll;
  stackAll(document);
})();

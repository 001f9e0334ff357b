
(function () {
  "use strict";
  function sortKey(row, index, numeric) {
    var cell = row.cells[index];
    if (!cell) { return null; }
    if (!numeric) { return cell.textContent; }
    var raw = cell.getAttribute("data-sort");
    if (raw === null || raw === "") { return null; }
    var value = parseFloat(raw);
    return isNaN(value) ? null : value;
  }
  function sortTable(table, index, ascending) {
    var head = table.tHead.rows[0].cells[index];
    var numeric = head.getAttribute("data-type") === "num";
    var body = table.tBodies[0];
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (a, b) {
      var x = sortKey(a, index, numeric);
      var y = sortKey(b, index, numeric);
      if (x === null || y === null) { return (x === null) - (y === null); }
      var order = numeric ? x - y : x.localeCompare(y, undefined, { numeric: true });
      return ascending ? order : -order;
    });
    rows.forEach(function (row) { body.appendChild(row); });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th) {
      th.removeAttribute("aria-sort");
    });
    head.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  }
  var tables = document.querySelectorAll("table.sortable");
  Array.prototype.forEach.call(tables, function (table) {
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
      var button = th.querySelector("button");
      if (!button) { return; }
      button.addEventListener("click", function () {
        sortTable(table, index, th.getAttribute("aria-sort") !== "ascending");
      });
    });
  });
  var wanted = /^#sort=(-?)([a-z0-9_]+)$/.exec(window.location.hash);
  var cells = document.getElementById("cell-table");
  if (wanted && cells) {
    Array.prototype.forEach.call(cells.tHead.rows[0].cells, function (th, index) {
      if (th.getAttribute("data-key") === wanted[2]) { sortTable(cells, index, wanted[1] !== "-"); }
    });
  }
})();

// Phones (issue 14): a wide table scrolls inside its own region, keyboard-reachable and named, with a
// visible cue when it does not fit; the main menu collapses behind one button; diagrams fit the width.
(function () {
  document.documentElement.classList.add("js");
  var cueText = document.body.getAttribute("data-scroll-cue") || "Przewiń tabelę w bok →";
  var tables = document.querySelectorAll("main table.table");
  // a read-only table with column headers can be stacked into cards on phones
  Array.prototype.forEach.call(tables, function (table) {
    if (table.querySelector("input, select, textarea") || table.classList.contains("month")) { return; }
    var heads = table.querySelectorAll("thead tr:first-child th");
    if (!heads.length || table.querySelector("[colspan], [rowspan]")) { return; }
    var names = Array.prototype.map.call(heads, function (th) { return th.textContent.trim(); });
    Array.prototype.forEach.call(table.querySelectorAll("tbody tr, tfoot tr"), function (tr) {
      Array.prototype.forEach.call(tr.children, function (cell, i) {
        if (names[i] && cell.tagName === "TD") { cell.setAttribute("data-label", names[i]); }
      });
    });
    table.classList.add("stack");
  });
  Array.prototype.forEach.call(tables, function (table, i) {
    if (table.parentElement && table.parentElement.classList.contains("table-scroll")) { return; }
    var box = document.createElement("div");
    box.className = "table-scroll";
    box.setAttribute("role", "region");
    var caption = table.querySelector("caption");
    var heading = caption ? caption.textContent.trim() : "";
    box.setAttribute("aria-label", heading || (table.getAttribute("aria-label") || cueText.replace(" →", "") + " " + (i + 1)));
    table.parentNode.insertBefore(box, table);
    box.appendChild(table);
    var cue = document.createElement("p");
    cue.className = "scroll-cue";
    cue.setAttribute("aria-hidden", "true");
    cue.textContent = cueText;
    box.parentNode.insertBefore(cue, box.nextSibling);
  });
  function mark() {
    Array.prototype.forEach.call(document.querySelectorAll(".table-scroll"), function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1;
      box.classList.toggle("scrolls", scrolls);
      if (scrolls) { box.setAttribute("tabindex", "0"); } else { box.removeAttribute("tabindex"); }
    });
  }
  mark();
  window.addEventListener("resize", mark);
  var nav = document.querySelector(".site-nav");
  var toggle = document.querySelector(".menu-toggle");
  if (nav && toggle) {
    toggle.addEventListener("click", function () {
      var open = nav.classList.toggle("open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }
})();

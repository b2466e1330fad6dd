// Staff console enhancements; every page also works without this file.
(function () {
  "use strict";

  function announce(text) {
    var region = document.getElementById("staff-announcer");
    if (!region || !text) {
      return;
    }
    // Clearing first makes screen readers read the same message twice in a row.
    region.textContent = "";
    window.setTimeout(function () { region.textContent = text.replace(/\s+/g, " ").trim(); }, 50);
  }

  // A refused change (conflict 409, invalid 422, unknown number 400/404) comes
  // back as a fragment that explains itself: show it instead of dropping it.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    var source = event.detail.requestConfig && event.detail.requestConfig.elt;
    if (status >= 400 && status < 500 && status !== 401 && source && source.closest("[data-swap-errors]")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // "More filters" stays open across an update while the clerk works in it
  // (a filter set back to "any" would otherwise fold away under the focus).
  var filtersWereOpen = false;
  var focusedId = null;
  document.addEventListener("htmx:beforeSwap", function () {
    var more = document.querySelector("details.filters-more");
    filtersWereOpen = Boolean(more && more.open);
    focusedId = document.activeElement ? document.activeElement.id : null;
  });
  document.addEventListener("htmx:afterSwap", function () {
    var more = document.querySelector("details.filters-more");
    if (!filtersWereOpen || !more || more.open) {
      return;
    }
    more.open = true;
    var focused = focusedId && document.getElementById(focusedId);
    if (focused && more.contains(focused)) {
      focused.focus();
    }
  });

  // After an in-place update: announce what changed and put focus somewhere
  // useful, never on <body>.
  document.addEventListener("htmx:afterSwap", function () {
    var spoken = document.querySelector("[data-announce]");
    var focusScan = document.querySelector("[data-focus-scan]");
    var target = document.querySelector("[data-focus]");
    document.querySelectorAll("[data-announce]").forEach(function (element) {
      element.removeAttribute("data-announce");
    });
    if (spoken) {
      announce(spoken.textContent);
    }
    if (focusScan) {
      // After a change the clerk usually scans the next receipt.
      focusScan.removeAttribute("data-focus-scan");
      target = target || document.getElementById("scan");
    }
    if (target) {
      target.removeAttribute("data-focus");
      target.focus();
      if (target.hasAttribute("data-select") && target.select) {
        target.select();
      }
    } else if (document.activeElement === document.body || document.activeElement === null) {
      var fallback = document.getElementById("results-heading") || document.getElementById("main");
      if (fallback) {
        fallback.focus();
      }
    }
  });

  // "Select every request on this page" ticks or clears all row boxes.
  function setUpSelectAll(root) {
    var all = root.querySelector("#select-all");
    if (!all) {
      return;
    }
    var rows = root.querySelectorAll("[data-select-row]");
    function reflectRows() {
      var ticked = root.querySelectorAll("[data-select-row]:checked").length;
      all.checked = ticked > 0 && ticked === rows.length;
      all.indeterminate = ticked > 0 && ticked < rows.length;
    }
    all.hidden = false;
    all.addEventListener("change", function () {
      rows.forEach(function (box) { box.checked = all.checked; });
    });
    rows.forEach(function (box) {
      box.addEventListener("change", reflectRows);
    });
    reflectRows(); // rows left ticked after a bulk change

  }

  document.addEventListener("DOMContentLoaded", function () {
    setUpSelectAll(document);
    var scan = document.getElementById("scan");
    if (scan && scan.hasAttribute("data-select")) {
      scan.select();
    }
  });
  document.addEventListener("htmx:load", function (event) {
    if (event.target.id === "queue") {
      setUpSelectAll(event.target);
    }
  });
})();

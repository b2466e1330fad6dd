// Prints a new request's receipt once. On a kiosk started with Chromium's
// --kiosk-printing flag, window.print() goes straight to the default printer,
// on the paper width set by print-58mm.css or print-80mm.css.
(function () {
  "use strict";

  function whenImagesLoaded(root, callback) {
    var pending = Array.prototype.filter.call(root.querySelectorAll("img"), function (img) {
      return !img.complete;
    });
    var left = pending.length;
    if (left === 0) {
      callback();
      return;
    }
    pending.forEach(function (img) {
      function one() {
        left -= 1;
        if (left === 0) {
          callback();
        }
      }
      img.addEventListener("load", one, { once: true });
      img.addEventListener("error", one, { once: true });
    });
  }

  function autoprint() {
    var receipt = document.querySelector("[data-kiosk-autoprint]");
    if (!receipt || receipt.dataset.printed === "1") {
      return;
    }
    receipt.dataset.printed = "1";
    // The QR must be on the paper: wait for it before printing.
    whenImagesLoaded(receipt, function () {
      window.print();
      // Reloading this address must not print a second copy.
      var url = new URL(window.location.href);
      url.searchParams.delete("new");
      window.history.replaceState(window.history.state, "", url.toString());
    });
  }

  function enablePrintButtons() {
    document.querySelectorAll("[data-kiosk-print]").forEach(function (button) {
      if (button.dataset.ready === "1") {
        return;
      }
      button.dataset.ready = "1";
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
  }

  function onScreen() {
    enablePrintButtons();
    autoprint();
  }

  document.addEventListener("DOMContentLoaded", onScreen);
  document.addEventListener("htmx:afterSettle", onScreen);
})();

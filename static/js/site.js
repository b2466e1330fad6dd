// Small progressive enhancements; every page works without this file.
(function () {
  "use strict";

  function focusFirstAutofocus(root) {
    var target = (root || document).querySelector("[data-autofocus]");
    if (target) {
      target.focus();
    }
  }

  // A print button shows only when printing from script is possible.
  function enablePrintButtons(root) {
    (root || document).querySelectorAll("[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
  }

  // A second tap on "send" must not send the form twice.
  function preventDoubleSubmit(root) {
    (root || document).querySelectorAll("form").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (form.dataset.submitted === "1") {
          event.preventDefault();
          return;
        }
        if (event.submitter && event.submitter.hasAttribute("data-prevent-double-submit")) {
          form.dataset.submitted = "1";
        }
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    focusFirstAutofocus();
    enablePrintButtons();
    preventDoubleSubmit();
  });

  // After htmx replaces a field that had focus, keep focus off <body>.
  document.addEventListener("htmx:afterSwap", function (event) {
    if (document.activeElement === document.body || document.activeElement === null) {
      var field = event.detail.target.querySelector("input, textarea, select, button");
      if (field) {
        field.focus();
      }
    }
  });
})();

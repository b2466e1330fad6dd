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

  // Screen readers hear what an in-place update says, through the page's
  // status region (it must exist before the text changes to be read out).
  function announce(text) {
    var region = document.getElementById("site-announcer");
    if (!region || !text) {
      return;
    }
    region.textContent = "";
    window.setTimeout(function () {
      region.textContent = text.replace(/\s+/g, " ").trim();
    }, 50);
  }

  // htmx fires afterSwap on the new content; for an outerHTML swap the old
  // target is no longer in the page.
  document.addEventListener("htmx:afterSwap", function (event) {
    var swapped = event.target.isConnected ? event.target : event.detail.target;
    if (!swapped || !swapped.isConnected) {
      return;
    }
    // A field checked in place says its error out loud.
    var error = swapped.matches(".field") && swapped.querySelector(".field-error");
    if (error) {
      announce(error.textContent);
    }
    // After htmx replaces a field that had focus, keep focus off <body>.
    if (document.activeElement === document.body || document.activeElement === null) {
      var field = swapped.querySelector("input, textarea, select, button");
      if (field) {
        field.focus();
      }
    }
  });
})();

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

  // The phone's own share sheet, where it has one; the link stays on the page.
  function enableShareButtons(root) {
    if (!navigator.share) {
      return;
    }
    (root || document).querySelectorAll("[data-share-url]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        navigator.share({ title: button.dataset.shareTitle, url: button.dataset.shareUrl })
          .catch(function () { /* closed without sharing */ });
      });
    });
  }

  // Copy an address with one tap; the text stays selectable without script.
  function enableCopyButtons(root) {
    (root || document).querySelectorAll("[data-copy]").forEach(function (button) {
      var source = document.getElementById(button.dataset.copy);
      if (!source) {
        return;
      }
      button.hidden = false;
      button.addEventListener("click", function () {
        var copied = function () { announce(button.dataset.copied); };
        // Older browsers, and pages not served over HTTPS: copy the selection.
        var copySelection = function () {
          selectText(source);
          if (document.execCommand("copy")) {
            copied();
          }
        };
        if (navigator.clipboard && window.isSecureContext) {
          navigator.clipboard.writeText(source.textContent.trim()).then(copied, copySelection);
          return;
        }
        copySelection();
      });
    });
  }

  function selectText(element) {
    var range = document.createRange();
    range.selectNodeContents(element);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  document.addEventListener("DOMContentLoaded", function () {
    focusFirstAutofocus();
    enablePrintButtons();
    enableShareButtons();
    enableCopyButtons();
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

  // An upload refused (413, 422) or not taken now (409) comes back as the
  // requirement's block with its message: show it in place of an error.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    var target = event.detail.target;
    if ([409, 413, 422].indexOf(status) >= 0 && target && target.matches(".paper-requirement")) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // A file sent or refused in place: the requirement's new block has taken
  // the old one's place (and id); focus and read out what it says.
  document.addEventListener("htmx:afterSwap", function (event) {
    var old = event.detail.target;
    if (!old || !old.classList || !old.classList.contains("paper-requirement")) {
      return;
    }
    var block = document.getElementById(old.id);
    if (!block) {
      return;
    }
    var message = block.querySelector(".field-error, .paper-banner");
    if (message) {
      message.setAttribute("tabindex", "-1");
      message.focus();
      announce(message.textContent);
    } else {
      (block.querySelector("input, button") || block).focus();
    }
  });

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

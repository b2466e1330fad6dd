// A shared screen must not show one resident's answers to the next. After a
// while without a touch a dialog asks "still there?" with a countdown; then the
// screen is wiped and replaced by the start screen (replace, not a new history
// entry). Both times are office settings, read from <body data-idle-*>.
(function () {
  "use strict";

  var lastActivity = Date.now();
  var resetting = false;

  function settings() {
    var data = document.body.dataset;
    return {
      warning: Number(data.idleWarning) || 60,
      reset: Number(data.idleReset) || 90,
      url: data.resetUrl || "/kiosk",
    };
  }

  // "on": warn, then reset; "quiet": reset without a warning (a start screen
  // left in another language); "off": nothing to clear.
  function mode() {
    var screen = document.querySelector("[data-kiosk-screen]");
    return (screen && screen.dataset.idle) || "on";
  }

  function dialog() {
    return document.querySelector("[data-kiosk-idle]");
  }

  function wipe() {
    document.querySelectorAll("input, textarea").forEach(function (field) {
      if (field.type === "checkbox" || field.type === "radio") {
        field.checked = false;
        field.defaultChecked = false;
      } else {
        field.value = "";
        field.defaultValue = "";
      }
    });
    var main = document.getElementById("main");
    if (main) {
      main.replaceChildren();
    }
  }

  function resetNow(url) {
    if (resetting) {
      return;
    }
    resetting = true;
    wipe();
    window.location.replace(url || settings().url);
  }

  function showCountdown(secondsLeft) {
    var box = dialog();
    if (!box) {
      return;
    }
    var counter = box.querySelector("[data-idle-countdown]");
    var template = secondsLeft === 1 ? counter.dataset.one : counter.dataset.other;
    counter.textContent = template.replace("{n}", String(secondsLeft));
    if (!box.open) {
      box.showModal();
    }
  }

  function hideCountdown() {
    var box = dialog();
    if (box && box.open) {
      box.close();
    }
  }

  function tick() {
    var current = mode();
    if (current === "off" || resetting) {
      hideCountdown();
      return;
    }
    var limits = settings();
    var idle = (Date.now() - lastActivity) / 1000;
    if (idle >= limits.reset) {
      resetNow();
    } else if (current === "on" && idle >= limits.warning) {
      showCountdown(Math.max(1, Math.ceil(limits.reset - idle)));
    }
  }

  function activity() {
    lastActivity = Date.now();
    hideCountdown();
  }

  ["pointerdown", "keydown", "input", "wheel"].forEach(function (type) {
    document.addEventListener(type, activity, { capture: true, passive: true });
  });

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("[data-kiosk-reset]");
    if (link) {
      event.preventDefault();
      resetNow(link.href);
    } else if (event.target.closest && event.target.closest("[data-idle-continue]")) {
      activity();
    }
  });

  // Restored from the back-forward cache: whatever it shows is stale.
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      resetNow();
    }
  });

  window.setInterval(tick, 250);
})();

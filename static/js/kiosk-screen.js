// Kiosk screens are swapped in place (hx-boost on the body): after each swap,
// give the new screen its language and put the focus where the resident
// continues, never on <body>; when no answer comes, say so.
(function () {
  "use strict";

  function settle() {
    var screen = document.querySelector("[data-kiosk-screen]");
    if (screen && screen.dataset.lang) {
      document.documentElement.lang = screen.dataset.lang;
    }
    // A new screen starts at the top, with its header in view.
    window.scrollTo(0, 0);
    var target = document.querySelector("[data-autofocus]") || document.getElementById("main");
    if (target) {
      target.focus({ preventScroll: true });
    }
  }

  // When the office server cannot be reached, or does not answer in time, htmx
  // swaps nothing: say so, or a resident may walk away thinking the request
  // was sent. Tapping again is safe: the same answers store one request.
  function sendFailed() {
    var message = document.querySelector("[data-send-failed]");
    if (message) {
      message.hidden = false;
      window.scrollTo(0, 0);
      message.focus({ preventScroll: true });
    }
  }

  document.addEventListener("htmx:beforeRequest", function () {
    var message = document.querySelector("[data-send-failed]");
    if (message) {
      message.hidden = true;
    }
  });
  document.addEventListener("htmx:sendError", sendFailed);
  document.addEventListener("htmx:timeout", sendFailed);
  document.addEventListener("DOMContentLoaded", settle);
  // afterSwap, not afterSettle: between the two the focus would sit on <body>.
  // kiosk-keyboard.js, loaded first, has set up the new screen's keys by then.
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.target === document.body) {
      settle();
    }
  });
})();

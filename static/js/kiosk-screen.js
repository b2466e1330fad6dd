// Kiosk screens are swapped in place (hx-boost on the body): after each swap,
// give the new screen its language and put the focus where the resident
// continues, never on <body>.
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

  document.addEventListener("DOMContentLoaded", settle);
  // afterSwap, not afterSettle: between the two the focus would sit on <body>.
  // kiosk-keyboard.js, loaded first, has set up the new screen's keys by then.
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.target === document.body) {
      settle();
    }
  });
})();

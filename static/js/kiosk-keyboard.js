// On-screen keyboard for kiosks that have no OS keyboard. The keys are
// server-rendered <button type="button"> elements (translated names); this
// script shows them and types into their input on pointer events.
(function () {
  "use strict";

  function moveCaretToEnd(input) {
    var end = input.value.length;
    input.setSelectionRange(end, end);
  }

  // The caret, or the end when the resident never placed it (the input may
  // not have had the focus yet).
  function selection(input) {
    if (document.activeElement !== input || input.selectionStart === null) {
      return [input.value.length, input.value.length];
    }
    return [input.selectionStart, input.selectionEnd];
  }

  function changed(input) {
    input.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function insert(input, text) {
    var range = selection(input);
    var value = input.value;
    var max = input.maxLength > 0 ? input.maxLength : Infinity;
    if (value.length - (range[1] - range[0]) + text.length > max) {
      return;
    }
    input.value = value.slice(0, range[0]) + text + value.slice(range[1]);
    var caret = range[0] + text.length;
    input.setSelectionRange(caret, caret);
    changed(input);
  }

  function backspace(input) {
    var range = selection(input);
    var start = range[0] === range[1] ? Math.max(range[0] - 1, 0) : range[0];
    input.value = input.value.slice(0, start) + input.value.slice(range[1]);
    input.setSelectionRange(start, start);
    changed(input);
  }

  function done(input) {
    var form = input.form;
    if (!form) {
      return;
    }
    var button = form.querySelector("[data-continue]");
    if (typeof form.requestSubmit === "function") {
      form.requestSubmit(button || undefined);
    } else if (button) {
      button.click();
    }
  }

  // A date's day, month and year share one keypad: a full box moves on to
  // the next, as a resident reading "27 3 2024" off a paper types it.
  function moveOnWhenFull(input, inputs) {
    var next = inputs[inputs.indexOf(input) + 1];
    if (next && input.maxLength > 0 && input.value.length >= input.maxLength) {
      next.focus();
      moveCaretToEnd(next);
    }
  }

  function press(key, board) {
    var input = board.current;
    var action = key.dataset.action;
    if (action === "backspace") {
      backspace(input);
    } else if (action === "clear") {
      input.value = "";
      changed(input);
    } else if (action === "done") {
      done(input);
      return;
    } else if (key.dataset.key !== undefined) {
      insert(input, key.dataset.key);
      moveOnWhenFull(input, board.inputs);
    }
    if (document.activeElement !== board.current) {
      board.current.focus();
    }
  }

  function keyFrom(board, target) {
    var key = target && target.closest ? target.closest("button") : null;
    return key && board.contains(key) ? key : null;
  }

  function wire(board) {
    var pressed = null;

    board.addEventListener("pointerdown", function (event) {
      var key = keyFrom(board, event.target);
      if (!key) {
        return;
      }
      // Keeps the focus and caret in the input, so no OS keyboard appears.
      event.preventDefault();
      pressed = key;
      key.classList.add("kiosk-key--pressed");
    });

    // The key acts when the finger lifts on it; sliding off cancels the press.
    board.addEventListener("pointerup", function (event) {
      if (!pressed) {
        return;
      }
      var key = pressed;
      pressed = null;
      key.classList.remove("kiosk-key--pressed");
      var under = document.elementFromPoint(event.clientX, event.clientY);
      if (under && key.contains(under)) {
        press(key, board);
      }
    });

    board.addEventListener("pointercancel", function () {
      if (pressed) {
        pressed.classList.remove("kiosk-key--pressed");
        pressed = null;
      }
    });

    // Enter or Space on a focused key (a click without a pointer: detail 0).
    board.addEventListener("click", function (event) {
      var key = keyFrom(board, event.target);
      if (key && event.detail === 0) {
        press(key, board);
      }
    });
  }

  function updateCount(input) {
    var count = document.querySelector('[data-digit-count="' + input.id + '"]');
    if (!count) {
      return;
    }
    var digits = input.value.replace(/\D/g, "").length;
    count.textContent = count.dataset.template.replace("{count}", String(digits));
    count.hidden = false;
  }

  // On a screen with more than one keyboard (a name and a NIK), only the
  // keyboard of the box the resident tapped shows.
  function show(board, boards) {
    boards.forEach(function (other) {
      other.hidden = other !== board;
    });
  }

  function enhance() {
    var boards = [];
    document.querySelectorAll("[data-keyboard-for]").forEach(function (board) {
      // One keyboard may type into several boxes (a date's day, month, year).
      var inputs = board.dataset.keyboardFor.split(" ").map(function (id) {
        return document.getElementById(id);
      }).filter(Boolean);
      if (!inputs.length || board.dataset.ready === "1") {
        return;
      }
      board.dataset.ready = "1";
      board.inputs = inputs;
      board.current = inputs[0];
      boards.push(board);
    });
    boards.forEach(function (board, index) {
      board.inputs.forEach(function (input) {
        // Our keys replace the phone or tablet keyboard, which would cover them.
        input.setAttribute("inputmode", "none");
        moveCaretToEnd(input);
        input.addEventListener("focus", function () {
          board.current = input;
          show(board, boards);
        });
        input.addEventListener("input", function () { updateCount(input); });
        // Enter on a physical keyboard goes on, as the done key does, even
        // where a list's own buttons come first in the form (people moving).
        input.addEventListener("keydown", function (event) {
          if (event.key === "Enter") {
            event.preventDefault();
            done(input);
          }
        });
        updateCount(input);
      });
      board.hidden = index > 0;
      // The done key now does what the page's own button does: keep one way on.
      var form = board.inputs[0].form;
      var continueButton = form && form.querySelector("[data-continue]");
      if (continueButton && board.querySelector("[data-action=done]")) {
        continueButton.hidden = true;
      }
      wire(board);
    });
  }

  document.addEventListener("DOMContentLoaded", enhance);
  // Before kiosk-screen.js moves the focus into the new screen's input.
  document.addEventListener("htmx:afterSwap", enhance);
})();

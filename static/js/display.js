// The waiting-room screen: when the board brings a new call, copy its words
// into the live region and, with ?chime=1, play a short two-note chime (the
// TV's Chromium needs --autoplay-policy=no-user-gesture-required for sound
// without a touch).
(function () {
  "use strict";

  var audio = null;

  function chime() {
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!Context) {
      return;
    }
    try {
      audio = audio || new Context();
      if (audio.state === "suspended") {
        audio.resume();
      }
      [[660, 0], [880, 0.35]].forEach(function (note) {
        var start = audio.currentTime + note[1];
        var tone = audio.createOscillator();
        var gain = audio.createGain();
        tone.type = "sine";
        tone.frequency.value = note[0];
        gain.gain.setValueAtTime(0.0001, start);
        gain.gain.exponentialRampToValueAtTime(0.4, start + 0.03);
        gain.gain.exponentialRampToValueAtTime(0.0001, start + 0.6);
        tone.connect(gain);
        gain.connect(audio.destination);
        tone.start(start);
        tone.stop(start + 0.65);
      });
    } catch (error) {
      // No sound is better than a stopped board.
    }
  }

  function announce() {
    var announcer = document.querySelector("[data-announcer]");
    var latest = document.querySelector("template[data-announcement]");
    if (!announcer || !latest) {
      return;
    }
    var call = latest.dataset.call || "";
    if (call === (announcer.dataset.call || "")) {
      return;
    }
    announcer.dataset.call = call;
    announcer.replaceChildren(latest.content.cloneNode(true));
    if (call && document.body.hasAttribute("data-chime")) {
      chime();
    }
  }

  document.addEventListener("htmx:afterSwap", announce);
})();

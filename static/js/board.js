// Workshop boards: the timer's countdown, keyboard shortcuts, and small comforts after htmx
// writes. The board works without this file: every control is a form, and the timer shows
// its end time.
(function () {
  "use strict";

  // --- timer: the server sends the end time once; each page counts down to it ------------

  var announced = {};

  function announce(text) {
    var region = document.getElementById("board-notice");
    if (!region) return;
    region.textContent = "";
    var p = document.createElement("p");
    p.textContent = text;
    region.appendChild(p);
  }

  function pad(n) {
    return n < 10 ? "0" + n : String(n);
  }

  function tick() {
    var timer = document.getElementById("timer");
    if (!timer) return;
    var end = timer.getAttribute("data-ends-at");
    var clock = timer.querySelector("[data-timer-clock]");
    if (!end || !clock) return;
    var left = Math.max(0, Math.round((new Date(end).getTime() - Date.now()) / 1000));
    clock.textContent = Math.floor(left / 60) + ":" + pad(left % 60);
    timer.classList.toggle("timer--ending", left > 0 && left <= 60);
    timer.classList.toggle("timer--done", left === 0);
    if (left === 60 && !announced[end + "60"]) {
      announced[end + "60"] = true;
      announce("One minute left.");
    }
    if (left === 0 && !announced[end + "0"]) {
      announced[end + "0"] = true;
      clock.textContent = "0:00";
      announce("Time is up.");
    }
  }

  window.setInterval(tick, 1000);
  document.addEventListener("DOMContentLoaded", tick);

  // --- after a write: clear the form that added a note, keep the focus where it was --------

  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt;
    if (!form || !form.hasAttribute || !form.hasAttribute("data-reset-on-success")) return;
    if (event.detail.successful) {
      var input = form.querySelector("textarea");
      form.reset();
      if (input) input.focus();
    }
  });

  // A note added or moved arrives as an append to its zone: drop the copy already on the page
  // (the same note in its old zone, or this very event delivered twice).
  document.addEventListener("htmx:oobBeforeSwap", function (event) {
    var fragment = event.detail.fragment;
    if (!fragment || !fragment.querySelectorAll) return;
    var incoming = fragment.querySelectorAll("[data-note][id]");
    for (var i = 0; i < incoming.length; i++) {
      var old = document.getElementById(incoming[i].id);
      // A note replaced in place is itself the target: leave it to the swap.
      if (old && old !== event.detail.target) old.parentNode.removeChild(old);
    }
  });

  // A note replaced by a live or htmx swap takes the keyboard focus with it: put it back.
  var focusedNote = null;
  document.addEventListener("focusin", function (event) {
    var note = event.target.closest ? event.target.closest("[data-note]") : null;
    focusedNote = note ? note.id : null;
  });
  function refocusNote() {
    if (!focusedNote) return;
    var active = document.activeElement;
    if (active && active !== document.body && document.body.contains(active)) return;
    var again = document.getElementById(focusedNote);
    if (again) again.focus();
  }
  // A live copy of a note can replace it through an out-of-band swap or a plain one, and the
  // focus falls to <body> as soon as the old element leaves: check after every kind of swap.
  ["htmx:oobAfterSwap", "htmx:afterSwap", "htmx:afterSettle"].forEach(function (name) {
    document.addEventListener(name, refocusNote);
  });

  // --- keyboard shortcuts ------------------------------------------------------------------

  function typing(target) {
    var tag = target.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || target.isContentEditable;
  }

  function notes() {
    return Array.prototype.slice.call(document.querySelectorAll("#board [data-note]"));
  }

  function currentNote() {
    var active = document.activeElement;
    return active && active.closest ? active.closest("[data-note]") : null;
  }

  function openMenuAndFocus(note, selector) {
    if (!note) {
      announce("Go to a note first: press j.");
      return;
    }
    var menu = note.querySelector("details.note__menu");
    var control = note.querySelector(selector);
    if (!menu || !control) {
      announce("That is not possible on this note in this phase.");
      return;
    }
    menu.open = true;
    control.focus();
  }

  function step(direction) {
    var all = notes();
    if (!all.length) {
      announce("There are no notes on the board yet.");
      return;
    }
    var index = all.indexOf(currentNote());
    var next = index === -1 ? (direction > 0 ? 0 : all.length - 1) : index + direction;
    next = Math.max(0, Math.min(all.length - 1, next));
    all[next].focus();
  }

  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (!document.getElementById("board") || typing(event.target)) return;
    var note = currentNote();
    switch (event.key) {
      case "n": {
        var zone = note ? note.closest(".zone") : null;
        var input = (zone || document).querySelector("[data-note-input]");
        if (input) {
          event.preventDefault();
          input.focus();
        } else {
          announce("Notes cannot be added in this phase.");
        }
        break;
      }
      case "j":
        event.preventDefault();
        step(1);
        break;
      case "k":
        event.preventDefault();
        step(-1);
        break;
      case "v": {
        var vote = note ? note.querySelector("[data-note-vote]") : null;
        if (vote) {
          event.preventDefault();
          vote.click();
        } else {
          announce(note ? "Voting is not open on this note." : "Go to a note first: press j.");
        }
        break;
      }
      case "m":
        event.preventDefault();
        openMenuAndFocus(note, "[data-note-move]");
        break;
      case "g":
        event.preventDefault();
        openMenuAndFocus(note, "[data-note-group]");
        break;
      case "e":
        event.preventDefault();
        openMenuAndFocus(note, "[data-note-edit]");
        break;
      case "?": {
        var keys = document.getElementById("board-keys");
        if (keys) {
          event.preventDefault();
          keys.open = true;
          keys.querySelector("summary").focus();
        }
        break;
      }
      default:
        break;
    }
  });
})();

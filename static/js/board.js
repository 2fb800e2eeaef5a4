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
      if (input && !input.isConnected && input.id) {
        // The board came again while the note was on its way: empty the new box instead.
        input = document.getElementById(input.id);
        if (input) input.value = "";
      }
      if (input) input.focus();
    }
  });

  // --- forms that came in a live fragment ------------------------------------------------
  // A fragment sent to many pages carries no CSRF field (it would be one person's token for
  // everyone); htmx sends the page's token as a header. A plain form among them (exports,
  // renaming a group) gets the page's token as a field when it is sent.

  document.addEventListener(
    "submit",
    function (event) {
      var form = event.target;
      if (!form.closest || !form.closest("#board")) return;
      if ((form.getAttribute("method") || "").toLowerCase() !== "post") return;
      if (form.querySelector("input[name=csrfmiddlewaretoken]")) return;
      var headers = {};
      try {
        headers = JSON.parse(document.body.getAttribute("hx-headers") || "{}");
      } catch (e) {
        return;
      }
      if (!headers["X-CSRFToken"]) return;
      var field = document.createElement("input");
      field.type = "hidden";
      field.name = "csrfmiddlewaretoken";
      field.value = headers["X-CSRFToken"];
      form.appendChild(field);
    },
    true
  );

  // --- a note replaced while someone is working in it ------------------------------------
  // A note is replaced whole whenever it changes: by the answer to one's own write, by a live
  // copy of anyone's change (which can arrive before or after that answer), and with the whole
  // board when a phase change fetches it again. Whoever is in the note keeps their place: the
  // keyboard focus, an open "Change" menu and what they had typed in it carry over to the new
  // copy. The carried forms keep the version they were opened at, so a save after someone
  // else's change is refused as a conflict rather than overwriting it. A note's own write
  // (the person pressed Move, Save, ...) is finished with: its menu is not carried.

  var writing = []; // requests sent from inside a note: [{xhr, note id}]
  var carried = {}; // note id -> {node, values, focusId, until}: open menus being replaced

  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail.elt;
    var note = elt.closest ? elt.closest("[data-note]") : null;
    if (note) writing.push({ xhr: event.detail.xhr, note: note.id });
    else if (elt.tagName === "FORM") writing.push({ xhr: event.detail.xhr, form: elt });
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    writing = writing.filter(function (w) {
      return w.xhr !== event.detail.xhr;
    });
  });
  function isWriting(noteId) {
    return writing.some(function (w) {
      return w.note === noteId;
    });
  }

  // Each control of a menu (or of one form) by its form's action (and which of the forms with that action) and
  // its name; the ids alone would miss the hidden versions.
  function controls(menu) {
    var found = {};
    var seen = {};
    var forms = menu.tagName === "FORM" ? [menu] : menu.querySelectorAll("form");
    for (var f = 0; f < forms.length; f++) {
      var action = forms[f].getAttribute("action") || "";
      seen[action] = (seen[action] || 0) + 1;
      var elements = forms[f].elements;
      for (var e = 0; e < elements.length; e++) {
        if (elements[e].name && elements[e].type !== "submit") {
          found[action + "|" + seen[action] + "|" + elements[e].name] = elements[e];
        }
      }
    }
    return found;
  }

  function noteMenuOf(note) {
    return note.querySelector("details.note__menu");
  }

  var typedNotes = {}; // new-note box id -> {node, value}: text not yet sent

  // The board's own forms (a facilitator's phase, timer, ...): one whose choice was changed but
  // not sent keeps it, with the version it was made at, when the board comes again.
  var changedForms = {}; // form key -> {node, values, until}
  // How long what was carried waits for a copy that can hold it: the board everyone gets can
  // come just before the one meant for this page (the facilitators', one's own notes).
  var KEEP_MS = 3000;

  function changed(control) {
    if (control.type === "hidden" || control.type === "submit") return false;
    if (control.tagName === "SELECT") {
      for (var o = 0; o < control.options.length; o++) {
        if (control.options[o].selected !== control.options[o].defaultSelected) return true;
      }
      return false;
    }
    if (control.type === "checkbox" || control.type === "radio") {
      return control.checked !== control.defaultChecked;
    }
    return control.value !== control.defaultValue;
  }

  function boardForms() {
    var found = {};
    var forms = document.querySelectorAll("#board form");
    for (var f = 0; f < forms.length; f++) {
      if (forms[f].closest("[data-note]") || forms[f].querySelector("[data-note-input]")) continue;
      var action = forms[f].getAttribute("action") || "";
      var key = action;
      for (var n = 2; found[key]; n++) key = action + "|" + n;
      found[key] = forms[f];
    }
    return found;
  }

  function rememberChangedForms() {
    var forms = boardForms();
    Object.keys(forms).forEach(function (key) {
      var elements = Array.prototype.slice.call(forms[key].elements);
      if (!elements.some(changed)) return;
      // Sent: what it chose is now the board's (or refused, with a notice saying so).
      var sent = writing.some(function (w) {
        return w.form === forms[key];
      });
      if (sent) return;
      changedForms[key] = { node: forms[key], values: controls(forms[key]), until: Date.now() + KEEP_MS };
      Object.keys(changedForms[key].values).forEach(function (name) {
        var control = changedForms[key].values[name];
        changedForms[key].values[name] =
          control.type === "checkbox" || control.type === "radio" ? control.checked : control.value;
      });
    });
  }

  function carryChangedForms() {
    if (!Object.keys(changedForms).length) return;
    var forms = boardForms();
    Object.keys(changedForms).forEach(function (key) {
      var was = changedForms[key];
      var now = forms[key];
      if (now === was.node) return; // not replaced (yet)
      if (!now) {
        // Replaced by a copy without it (the board everyone gets, before the facilitators'
        // own arrives just after): kept for that one, for a little while.
        if (Date.now() > was.until) delete changedForms[key];
        return;
      }
      delete changedForms[key];
      var found = controls(now);
      Object.keys(was.values).forEach(function (name) {
        var control = found[name];
        if (!control) return;
        if (control.type === "checkbox" || control.type === "radio") control.checked = was.values[name];
        else control.value = was.values[name];
      });
    });
  }

  function rememberOpenMenus() {
    rememberChangedForms();
    var boxes = document.querySelectorAll("#board [data-note-input]");
    for (var b = 0; b < boxes.length; b++) {
      if (boxes[b].id && boxes[b].value) typedNotes[boxes[b].id] = { node: boxes[b], value: boxes[b].value };
    }
    var menus = document.querySelectorAll("[data-note] > details.note__menu[open]");
    for (var i = 0; i < menus.length; i++) {
      var note = menus[i].closest("[data-note]");
      if (!note.id || isWriting(note.id)) continue;
      var values = {};
      var found = controls(menus[i]);
      Object.keys(found).forEach(function (key) {
        values[key] = found[key].value;
      });
      var active = document.activeElement;
      carried[note.id] = {
        node: note,
        values: values,
        focusId: active && menus[i].contains(active) && active.id ? active.id : null,
        until: Date.now() + KEEP_MS,
      };
    }
  }

  function carryOpenMenus() {
    carryChangedForms();
    // A new note being written when the whole board came again (a phase change) stays.
    Object.keys(typedNotes).forEach(function (id) {
      var was = typedNotes[id];
      var now = document.getElementById(id);
      if (now && now !== was.node && !now.value) now.value = was.value;
    });
    typedNotes = {};
    Object.keys(carried).forEach(function (id) {
      var was = carried[id];
      var now = document.getElementById(id);
      if (now === was.node) return; // not replaced (yet)
      var menu = now && !isWriting(id) ? noteMenuOf(now) : null;
      if (!menu) {
        // A copy without the menu (the note as everyone sees it, before the author's own
        // copy comes just after): wait a little for the next one.
        if (!now || isWriting(id) || Date.now() > was.until) delete carried[id];
        else was.node = now;
        return;
      }
      delete carried[id];
      menu.open = true;
      var found = controls(menu);
      Object.keys(was.values).forEach(function (key) {
        if (found[key]) found[key].value = was.values[key];
      });
      var active = document.activeElement;
      if (was.focusId && (focusLost() || active === now)) {
        var control = document.getElementById(was.focusId);
        if (control && menu.contains(control)) control.focus({ preventScroll: true });
      }
    });
  }

  // The keyboard focus, when it was on the board (a note, a new note's box, a control) and
  // what held it has just been replaced: the same element of the new copy, else its note.
  var lastFocused = null;
  var lastFocusedId = null;
  var lastNoteId = null;
  document.addEventListener("focusin", function (event) {
    var onBoard = event.target.closest ? event.target.closest("#board") : null;
    var note = onBoard ? event.target.closest("[data-note]") : null;
    lastFocused = onBoard ? event.target : null;
    lastFocusedId = onBoard ? event.target.id || null : null;
    lastNoteId = note ? note.id : null;
  });

  function focusLost() {
    var active = document.activeElement;
    return !active || active === document.body || !active.isConnected;
  }

  function restoreFocus() {
    if (!lastFocused || lastFocused.isConnected || !focusLost()) return;
    var again = lastFocusedId && document.getElementById(lastFocusedId);
    if (!again || !again.checkVisibility()) {
      again = lastNoteId && document.getElementById(lastNoteId);
    }
    if (again) again.focus({ preventScroll: true });
  }

  document.addEventListener("htmx:beforeSwap", rememberOpenMenus);
  document.addEventListener("htmx:oobBeforeSwap", function (event) {
    rememberOpenMenus();
    // A note added or moved arrives as an append to its zone: drop the copy already on the
    // page (the same note in its old zone, or this very event delivered twice).
    var fragment = event.detail.fragment;
    if (!fragment || !fragment.querySelectorAll) return;
    var incoming = fragment.querySelectorAll("[data-note][id]");
    for (var i = 0; i < incoming.length; i++) {
      var old = document.getElementById(incoming[i].id);
      // A note replaced in place is itself the target: leave it to the swap.
      if (old && old !== event.detail.target) old.parentNode.removeChild(old);
    }
  });

  // A new group arrives as an option for every note's group menu: a menu rendered after the
  // group was made (the note's own fresh copy, a page loaded meanwhile) already has it.
  document.addEventListener("htmx:oobAfterSwap", function (event) {
    var select = event.detail.target;
    if (!select || !select.matches || !select.matches("select[data-note-group]")) return;
    var seen = {};
    Array.prototype.slice.call(select.options).forEach(function (option) {
      if (seen[option.value]) select.removeChild(option);
      seen[option.value] = true;
    });
  });

  // However a note was replaced (an out-of-band swap, a plain one, the whole board fetched
  // again), the change shows here once the swap's script has run, before the page repaints.
  new MutationObserver(function () {
    carryOpenMenus();
    restoreFocus();
  }).observe(document.documentElement, { childList: true, subtree: true });

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

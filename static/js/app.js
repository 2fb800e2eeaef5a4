// Small enhancements on top of htmx. The app works without this file.
(function () {
  "use strict";

  function toast(text) {
    var el = document.getElementById("toast");
    if (!el) return;
    el.textContent = text;
    el.hidden = false;
    window.clearTimeout(el._timer);
    el._timer = window.setTimeout(function () { el.hidden = true; }, 6000);
  }

  // The page's one persistent live region (templates/base.html). Emptied first so that the
  // same message twice in a row ("Saved: Risks.") is read out again.
  function announce(text) {
    var live = document.getElementById("live");
    if (!live || !text) return;
    live.textContent = "";
    window.setTimeout(function () { live.textContent = text; }, 50);
  }

  document.addEventListener("htmx:responseError", function (event) {
    var form = event.detail.elt.closest && event.detail.elt.closest("form");
    if (form) form._submitting = false;  // nothing was saved: keep guarding what was typed
    var status = event.detail.xhr.status;
    if (status === 403) toast("Your role does not allow this change.");
    else if (status === 404) toast("That item no longer exists. Reload the page.");
    else if (status === 429) toast("Too many requests. Wait a moment and try again.");
    else if (status === 503) toast("The server is busy for a moment. Nothing was saved: try again in a few seconds.");
    else toast("Something went wrong (" + status + "). Your changes were not saved.");
  });

  document.addEventListener("htmx:sendError", function () {
    toast("The server could not be reached. Check your connection and try again.");
  });

  // After a swap, focus goes where the person's attention should be: the element the server
  // marked with data-focus (a message, the changed field, a new row), else the first field
  // with an error. Without this it falls to <body> and the next Tab starts from the top.
  function placeFocus(root) {
    var target = root.querySelector("[data-focus]") || root.querySelector("[aria-invalid='true']");
    if (!target) return false;
    if (!target.matches("a[href], button, input, select, textarea, [tabindex]")) {
      target.setAttribute("tabindex", "-1");
    }
    target.focus({ preventScroll: false });
    return true;
  }

  document.addEventListener("htmx:afterSettle", function (event) {
    var root = event.detail.target || event.detail.elt;
    // outerHTML swaps replace the target; look the new element up by its id.
    if (root && !root.isConnected) root = root.id ? document.getElementById(root.id) : null;
    if (!root) root = document.body;
    var said = root.querySelectorAll("[data-announce]");
    if (said.length) announce(said[said.length - 1].textContent.trim());
    placeFocus(root);
    root.querySelectorAll("form[data-guard]").forEach(function (form) { form._dirty = false; });
    if (root.matches && root.matches("form[data-guard]")) root._dirty = false;
  });

  // On a full page load, a server-rendered message marked data-focus gets the focus too.
  document.addEventListener("DOMContentLoaded", function () {
    var marked = document.querySelector("main [data-focus]");
    if (marked && !document.querySelector("[autofocus]")) placeFocus(document.querySelector("main"));
  });

  // Enter in a one-line field of a form with a save button saves (the browser's own implicit
  // submission would press the form's first submit button, which may be "Add a row").
  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      var field = event.target;
      if (field.matches && field.matches("input[data-enter-saves]") && field.form) {
        var save = field.form.querySelector("[data-save]");
        if (save) {
          event.preventDefault();
          field.form.requestSubmit(save);
        }
      }
    }
    // Escape closes an open <details> menu (or a removal's confirmation) and returns focus to
    // its summary.
    if (event.key === "Escape") {
      var menu = event.target.closest && event.target.closest("details[open]");
      if (menu && (menu.classList.contains("menu") || menu.classList.contains("member-remove"))) {
        menu.open = false;
        menu.querySelector("summary").focus();
      }
    }
  });

  // A click outside an open menu closes it, as people expect of a menu.
  document.addEventListener("click", function (event) {
    document.querySelectorAll("details.menu[open]").forEach(function (menu) {
      if (!menu.contains(event.target)) menu.open = false;
    });
  });

  // Unsaved changes: a form marked data-guard that was typed in and not submitted asks before
  // the page is left (a link, the step pager, closing the tab).
  document.addEventListener("input", function (event) {
    var form = event.target.form || (event.target.closest && event.target.closest("form"));
    if (form && form.hasAttribute("data-guard")) form._dirty = true;
  });
  document.addEventListener("submit", function (event) {
    if (event.target.hasAttribute && event.target.hasAttribute("data-guard")) {
      event.target._submitting = true;
    }
  }, true);
  window.addEventListener("beforeunload", function (event) {
    var dirty = Array.prototype.some.call(
      document.querySelectorAll("form[data-guard]"),
      function (form) { return form._dirty && !form._submitting; }
    );
    if (dirty) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  // Invitation links: select the whole link on focus so it is easy to copy.
  document.addEventListener("focusin", function (event) {
    if (event.target.classList && event.target.classList.contains("copy-field")) {
      event.target.select();
    }
  });
})();

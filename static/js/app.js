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

  document.addEventListener("htmx:responseError", function (event) {
    var status = event.detail.xhr.status;
    if (status === 403) toast("Your role does not allow this change.");
    else if (status === 404) toast("That item no longer exists. Reload the page.");
    else if (status === 429) toast("Too many requests. Wait a moment and try again.");
    else toast("Something went wrong (" + status + "). Your changes were not saved.");
  });

  document.addEventListener("htmx:sendError", function () {
    toast("The server could not be reached. Check your connection and try again.");
  });

  // Invitation links: select the whole link on focus so it is easy to copy.
  document.addEventListener("focusin", function (event) {
    if (event.target.classList && event.target.classList.contains("copy-field")) {
      event.target.select();
    }
  });
})();

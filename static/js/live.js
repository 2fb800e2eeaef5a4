// Live updates (kernel/live.py): glue between the server's event stream and htmx's SSE
// extension. Load it after htmx and before static/vendor/htmx-ext-sse-*.js (the extension
// keeps an htmx.createEventSource that is already there): kernel/live_assets.html does.
//
// Markup, with the stream element inside the fragment that data-live-reset returns:
//
//   <div id="board-live" hx-ext="sse" sse-connect="/.../stream/?after=41"
//        data-live-poll="/.../poll/" data-live-reset="/.../board/live/">
//     <div sse-swap="message" hx-swap="none"></div>
//   </div>
//
// - Every message is a set of out-of-band swaps; the extension applies them.
// - A reconnect resumes after the last event seen: the browser sends Last-Event-ID itself;
//   after a failed connection the extension opens a new EventSource, which gets ?after=.
//   The server jitters the browser's retry delay and each stream's lifetime, and this file
//   jitters its own polling, so a room of browsers does not come back in one instant.
// - A "reset" event (too far behind, or published by the app with a notice to show while
//   it loads) re-fetches data-live-reset and swaps it over the
//   element (outerHTML; data-live-reset-target and data-live-reset-swap change that). The
//   fresh fragment carries a fresh ?after=, so nothing between the two is lost. Without
//   data-live-reset, the page reloads.
// - When the stream cannot be opened three times in a row (a proxy that refuses streams),
//   or its opening "hello" has not arrived within 10 s (a proxy that buffers it), it polls
//   data-live-poll every 2-3 s instead. An element with data-live-poll and
//   data-live-after="41" but no sse-connect only polls (behind a proxy known to buffer).
// The page works without this file and without JavaScript: it just is not live.
(function () {
  "use strict";

  if (!window.htmx || !window.EventSource) return;

  var positions = {}; // stream path -> last event id seen
  var failures = {}; // stream path -> failed connections in a row

  function pathOf(url) {
    return new URL(url, window.location.href).pathname;
  }

  function withPosition(url, position) {
    var u = new URL(url, window.location.href);
    if (position != null) u.searchParams.set("after", position);
    return u.pathname + u.search;
  }

  function jitter(base, spread) {
    return base + Math.random() * spread;
  }

  function streamElement(path) {
    var all = document.querySelectorAll("[sse-connect]");
    for (var i = 0; i < all.length; i++) {
      if (pathOf(all[i].getAttribute("sse-connect")) === path) return all[i];
    }
    return null;
  }

  function reset(elt, path) {
    delete positions[path];
    delete failures[path];
    var url = elt && elt.getAttribute("data-live-reset");
    if (!url) {
      window.location.reload();
      return;
    }
    var target = elt.getAttribute("data-live-reset-target") || elt;
    var swap = elt.getAttribute("data-live-reset-swap") || "outerHTML";
    htmx.ajax("GET", url, { target: target, swap: swap });
  }

  htmx.createEventSource = function (url) {
    var path = pathOf(url);
    var source = new EventSource(withPosition(url, positions[path]), { withCredentials: true });
    function remember(event) {
      if (event.lastEventId) positions[path] = event.lastEventId;
    }
    // The server says hello first thing; a proxy that buffers holds that back too.
    var watchdog = window.setTimeout(function () {
      if (source.readyState === EventSource.CLOSED) return; // replaced or reset meanwhile
      var elt = streamElement(path);
      source.close();
      if (elt && elt.getAttribute("data-live-poll")) startPolling(elt);
    }, 10000);
    source.addEventListener("hello", function () {
      window.clearTimeout(watchdog);
      failures[path] = 0;
    });
    source.addEventListener("message", remember);
    source.addEventListener("reset", function (event) {
      source.close();
      var elt = streamElement(path);
      // A reset published by the app carries a notice: show it at once, since fetching a
      // large board again, with a room full of people doing the same, can take a moment.
      if (elt && event.data && event.data.charAt(0) === "<") {
        htmx.swap(elt, event.data, { swapStyle: "none" });
      }
      reset(elt, path);
    });
    return source;
  };

  // --- Polling fallback -------------------------------------------------------------------

  function poll(elt, path, position) {
    var url = elt.getAttribute("data-live-poll");
    if (!url || !document.body.contains(elt)) return;
    fetch(withPosition(url, position), { credentials: "same-origin" })
      .then(function (response) {
        if ([401, 403, 404, 410].indexOf(response.status) !== -1) {
          window.location.reload(); // access ended: the page says why
          return null;
        }
        if (!response.ok) return position;
        if (response.headers.get("Live-Reset")) {
          reset(elt, path);
          return null;
        }
        return response.text().then(function (html) {
          if (html) htmx.swap(elt, html, { swapStyle: "none" });
          return response.headers.get("Live-Seq") || position;
        });
      })
      .catch(function () {
        return position;
      })
      .then(function (next) {
        if (next == null) return;
        positions[path] = next;
        window.setTimeout(function () {
          poll(elt, path, next);
        }, jitter(2000, 1000));
      });
  }

  function startPolling(elt) {
    var url = elt.getAttribute("sse-connect");
    var path = pathOf(url || elt.getAttribute("data-live-poll"));
    var start = positions[path];
    if (start == null && url) start = new URL(url, window.location.href).searchParams.get("after");
    if (start == null) start = elt.getAttribute("data-live-after");
    // Without sse-connect the extension stops reconnecting.
    elt.removeAttribute("sse-connect");
    poll(elt, path, start);
  }

  document.addEventListener("htmx:sseError", function (event) {
    var elt = event.target;
    var source = event.detail && event.detail.source;
    if (!elt.getAttribute || !elt.getAttribute("sse-connect")) return;
    if (source && source.readyState !== EventSource.CLOSED) return; // the browser retries
    var path = pathOf(elt.getAttribute("sse-connect"));
    failures[path] = (failures[path] || 0) + 1;
    if (failures[path] >= 3 && elt.getAttribute("data-live-poll")) {
      if (source) source.close();
      startPolling(elt);
    }
  });

  // Polling only, by choice: <div data-live-poll="/.../poll/" data-live-after="41">.
  htmx.onLoad(function (root) {
    var elts = root.querySelectorAll ? root.querySelectorAll("[data-live-poll]:not([sse-connect])") : [];
    for (var i = 0; i < elts.length; i++) startPolling(elts[i]);
  });
})();

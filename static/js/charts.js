// Draws each chart of a page with plotly, in place of its static SVG, so people can hover for
// the distribution and switch earlier rounds on and off. Without this file (or without
// JavaScript) the SVG stays: the page shows the same chart, only not interactive.
//
// A chart is a <figure class="chart"> (templates/includes/chart.html) holding the SVG in
// .chart__fallback and the plotly figure as a JSON data island written by json_script.
(function () {
  "use strict";

  var CONFIG = {
    displaylogo: false,
    responsive: true,
    // Never offer to upload organisation data to plotly's cloud.
    showSendToCloud: false,
    plotlyServerURL: "",
    // Panning and zooming a spider graph only loses the picture; keep download and reset.
    modeBarButtonsToRemove: ["zoom2d", "pan2d", "select2d", "lasso2d", "zoomIn2d", "zoomOut2d", "autoScale2d"],
  };

  function hideDrawing(plot) {
    var drawings = plot.querySelectorAll(".main-svg");
    for (var i = 0; i < drawings.length; i++) drawings[i].setAttribute("aria-hidden", "true");
  }

  // Narrow screens: smaller labels wrapped shorter, thinner margins, a square plot. The figure
  // is built for a desktop width; plotly does not wrap labels by itself.
  var NARROW = 560;

  function rewrap(label, width) {
    var lines = [];
    label.split("<br>").join(" ").split(" ").forEach(function (word) {
      var last = lines.length - 1;
      if (last >= 0 && lines[last].length + 1 + word.length <= width) lines[last] += " " + word;
      else lines.push(word);
    });
    return lines.join("<br>");
  }

  function fitNarrow(spec, width) {
    var layout = spec.layout;
    if (width >= NARROW || !layout.polar) return;
    spec.data.forEach(function (trace) {
      if (trace.theta) trace.theta = trace.theta.map(function (t) { return rewrap(t, 12); });
    });
    layout.polar.angularaxis.tickfont = { size: 10 };
    layout.margin = { l: 95, r: 95, t: 40, b: 20 };
    // A square plot area, room for the bottom label, then one legend row per trace.
    layout.height = width - 190 + 60 + 50 + 30 * spec.data.length;
    layout.legend.y = -0.3;
  }

  function draw(figure) {
    var island = figure.querySelector('script[type="application/json"]');
    var fallback = figure.querySelector(".chart__fallback");
    if (!island || !fallback || figure.dataset.chartDrawn) return;
    var spec;
    try {
      spec = JSON.parse(island.textContent);
    } catch (error) {
      return;
    }
    figure.dataset.chartDrawn = "pending";
    var plot = document.createElement("div");
    plot.className = "chart__plot";
    fallback.parentNode.insertBefore(plot, fallback);
    fitNarrow(spec, plot.clientWidth);
    window.Plotly.newPlot(plot, spec.data, spec.layout, CONFIG).then(
      function () {
        // Plotly's drawing is for the mouse; its toolbar buttons stay reachable. Screen
        // readers keep the static SVG, moved out of sight: it has the chart's title and a
        // text description of every value.
        hideDrawing(plot);
        plot.on("plotly_afterplot", function () { hideDrawing(plot); });
        fallback.classList.add("visually-hidden");
        figure.dataset.chartDrawn = "true";
      },
      function () {
        // Plotly could not draw it: the SVG is still there.
        plot.remove();
        delete figure.dataset.chartDrawn;
      }
    );
  }

  // Only charts in the page as loaded: the app's htmx drops <script> elements from swapped
  // content (allowScriptTags is off), data islands included, so a chart that arrives in a
  // swap keeps its static SVG.
  function drawAll() {
    if (!window.Plotly) return;
    var figures = document.querySelectorAll("figure.chart");
    for (var i = 0; i < figures.length; i++) draw(figures[i]);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();

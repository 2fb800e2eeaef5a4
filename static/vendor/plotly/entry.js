// Entry point of the app's plotly.js bundle: the core (which brings the scatter trace) and
// only the traces the app draws. build.sh turns it into ../plotly-<version>-mesh.min.js.
"use strict";

var Plotly = require("plotly.js/lib/core");

Plotly.register([
  require("plotly.js/lib/scatter"),
  require("plotly.js/lib/scatterpolar"),
  require("plotly.js/lib/bar"),
]);

module.exports = Plotly;

#!/bin/sh
# Builds the app's plotly.js bundle from the npm package, with only the traces in entry.js
# (scatter, scatterpolar, bar) instead of the ~50 of the full bundle. Run it by hand after
# changing PLOTLY_VERSION or entry.js, then commit what it writes:
#   ../plotly-<version>-mesh.min.js            the bundle (window.Plotly)
#   ../plotly-<version>-mesh.min.js.LEGAL.txt  licence notices of the code inside it
#   plotly-<version>.css                       plotly's stylesheet, linked by the page instead
#                                              of the <style> plotly would inject (CSP)
#   LICENSE                                    plotly.js's licence
# Needs node and npm; everything else comes from the npm registry into a temporary directory.
set -eu

PLOTLY_VERSION=4.1.1
ESBUILD_VERSION=0.28.2

here=$(cd "$(dirname "$0")" && pwd)
vendor=$(dirname "$here")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cd "$work"
npm init -y >/dev/null
# --ignore-scripts: nothing from the registry runs on this machine except esbuild itself.
npm install --no-audit --no-fund --ignore-scripts --save-exact \
  "plotly.js@$PLOTLY_VERSION" "esbuild@$ESBUILD_VERSION" >/dev/null
# esbuild's binary comes from its platform package; its install script only checks it.
node node_modules/esbuild/install.js

cp "$here/entry.js" entry.js
out="$vendor/plotly-$PLOTLY_VERSION-mesh.min.js"
# The same settings as plotly's own esbuild-config.js, minus what only other traces need.
# CSS required by the map traces (maplibre) is left out: the app draws no maps.
node_modules/.bin/esbuild entry.js \
  --bundle --minify --format=iife --global-name=Plotly --target=es2016 \
  --define:global=window --define:define.amd=false \
  --alias:regl=@plotly/regl \
  --loader:.css=empty \
  --legal-comments=linked \
  --outfile="$out"

cp node_modules/plotly.js/LICENSE "$here/LICENSE"
cp node_modules/plotly.js/dist/plotly.css "$here/plotly-$PLOTLY_VERSION.css"

# The app runs under `script-src 'self'` without 'unsafe-eval': refuse a bundle that needs it.
if grep -q -E 'new Function|[^.a-zA-Z_$]eval\(' "$out"; then
  echo "The bundle contains eval or new Function, which the CSP forbids." >&2
  exit 1
fi

echo "Wrote $out"
echo "  $(wc -c <"$out") bytes, $(gzip -9 -c "$out" | wc -c) bytes gzipped"

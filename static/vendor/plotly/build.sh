#!/bin/sh
# Builds the app's plotly.js bundle from the npm package, with only the traces in entry.js
# (scatter, scatterpolar, bar) instead of the ~50 of the full bundle. Run it by hand after
# changing entry.js or the versions in package.json, then commit what it writes:
#   ../plotly-<version>-mesh.min.js            the bundle (window.Plotly)
#   ../plotly-<version>-mesh.min.js.LEGAL.txt  licence notices kept from the code inside it
#   plotly-<version>.css                       plotly's stylesheet, linked by the page instead
#                                              of the <style> plotly would inject (CSP)
#   LICENSE                                    plotly.js's licence
#   package-lock.json                          the exact packages used, so a rebuild gives the
#                                              same bytes; delete it to take newer ones
# Needs node and npm; the packages come from the npm registry into a temporary directory.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
vendor=$(dirname "$here")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cp "$here/package.json" "$here/entry.js" "$work/"
cd "$work"
# --ignore-scripts: nothing from the registry runs on this machine except esbuild itself.
if [ -f "$here/package-lock.json" ]; then
  cp "$here/package-lock.json" .
  npm ci --no-audit --no-fund --ignore-scripts >/dev/null
else
  npm install --no-audit --no-fund --ignore-scripts >/dev/null
  cp package-lock.json "$here/package-lock.json"
fi
# esbuild's binary comes from its platform package; its install script only checks it.
node node_modules/esbuild/install.js

version=$(node -p 'require("plotly.js/package.json").version')
out="$vendor/plotly-$version-mesh.min.js"
# The settings of plotly's own esbuild-config.js, minus what only other traces need.
# CSS required by the map traces (maplibre) is left out: the app draws no maps.
node_modules/.bin/esbuild entry.js \
  --bundle --minify --format=iife --global-name=Plotly --target=es2016 \
  --define:global=window --define:define.amd=false \
  --alias:regl=@plotly/regl \
  --loader:.css=empty \
  --legal-comments=linked \
  --log-level=warning \
  --outfile="$out"

cp node_modules/plotly.js/LICENSE "$here/LICENSE"
cp node_modules/plotly.js/dist/plotly.css "$here/plotly-$version.css"

# The app runs under `script-src 'self'` without 'unsafe-eval': refuse a bundle that needs it.
if grep -q -E 'new Function|[^.a-zA-Z_$]eval\(' "$out"; then
  echo "The bundle contains eval or new Function, which the CSP forbids." >&2
  exit 1
fi

echo "Wrote $out"
echo "  $(wc -c <"$out") bytes, $(gzip -9 -c "$out" | wc -c) bytes gzipped (gzip -9)"

#!/usr/bin/env bash
# Refresh static/vendor/ from the versions pinned in package.json.
set -euo pipefail
cd "$(dirname "$0")/.."
npm install --no-audit --no-fund --loglevel=error
dest=static/vendor
rm -rf "$dest"
mkdir -p "$dest"/{bootstrap,bootstrap-icons/fonts,htmx,chartjs}
cp node_modules/bootstrap/dist/css/bootstrap.min.css "$dest/bootstrap/"
cp node_modules/bootstrap/dist/js/bootstrap.bundle.min.js "$dest/bootstrap/"
cp node_modules/bootstrap-icons/font/bootstrap-icons.min.css "$dest/bootstrap-icons/"
cp node_modules/bootstrap-icons/font/fonts/bootstrap-icons.woff* "$dest/bootstrap-icons/fonts/"
cp node_modules/htmx.org/dist/htmx.min.js "$dest/htmx/"
cp node_modules/chart.js/dist/chart.umd.min.js "$dest/chartjs/" 2>/dev/null \
  || cp node_modules/chart.js/dist/chart.umd.js "$dest/chartjs/chart.umd.min.js"
# The upstream builds name source maps that are not vendored; the production static storage fails
# on a reference to a missing file (collectstatic), so the comments go.
find "$dest" \( -name '*.js' -o -name '*.css' \) -print0 | xargs -0 python3 scripts/strip_source_maps.py
# axe-core is for the browser tests only: tests/e2e/vendor/, committed so CI needs no npm.
mkdir -p tests/e2e/vendor
cp node_modules/axe-core/axe.min.js tests/e2e/vendor/
node -e '
const p = require("./package.json").dependencies;
const lines = Object.entries(p).map(([k, v]) => `${k}@${v}`);
require("fs").writeFileSync("static/vendor/VERSIONS.txt", lines.join("\n") + "\n");
'
echo "static/vendor refreshed:"; cat "$dest/VERSIONS.txt"

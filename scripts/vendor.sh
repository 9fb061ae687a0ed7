#!/usr/bin/env bash
# Refresh the front-end libraries vendored under static/vendor/ from the npm registry.
# The versions are pinned here and recorded in static/vendor/VERSIONS.md; the app serves
# these files itself (no CDN). Run by hand when upgrading: `bash scripts/vendor.sh`.
set -euo pipefail
cd "$(dirname "$0")/.."
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
pkgs=(htmx.org@2.0.11 socket.io-client@4.8.4 sortablejs@1.15.7 chart.js@4.6.1 axe-core@4.14.1
      @fontsource/source-sans-3@5.3.1 lucide-static@1.62.0
      yjs@13.6.33 y-quill@1.0.0 quill@2.0.3 quill-cursors@4.3.0)
tools=(esbuild@0.28.2)  # bundles the plan's co-editor; not served
(cd "$tmp" && npm init -y >/dev/null && npm install --silent --no-audit --no-fund "${pkgs[@]}" "${tools[@]}")
nm=$tmp/node_modules
v=static/vendor
mkdir -p $v/fonts
cp $nm/htmx.org/dist/htmx.min.js $v/htmx.min.js
cp $nm/socket.io-client/dist/socket.io.min.js $v/socket.io.min.js
cp $nm/sortablejs/Sortable.min.js $v/Sortable.min.js
cp $nm/chart.js/dist/chart.umd.min.js $v/chart.umd.min.js
cp $nm/axe-core/axe.min.js $v/axe.min.js
for w in 400 600 700; do
  cp $nm/@fontsource/source-sans-3/files/source-sans-3-latin-$w-normal.woff2 $v/fonts/
done
cp $nm/@fontsource/source-sans-3/LICENSE $v/fonts/LICENSE-source-sans-3 2>/dev/null || true
# The plan's co-editor: Yjs, Quill 2, y-quill and quill-cursors in one file (no CDN, no
# import map: the CSP allows no inline script).
cp scripts/vendor/editor.js "$tmp/editor.js"
(cd "$tmp" && ./node_modules/.bin/esbuild editor.js --bundle --minify --format=iife \
  --target=es2020 --legal-comments=eof --outfile=coop-editor.min.js)
cp $tmp/coop-editor.min.js $v/coop-editor.min.js
cp $nm/quill/dist/quill.snow.css $v/quill.snow.css
python3 scripts/build_icons.py $nm/lucide-static/icons $v/icons.svg
{
  echo "# Vendored front-end libraries (from npm, refreshed by scripts/vendor.sh)"
  echo
  echo "| package | version |"
  echo "|---|---|"
  for p in "${pkgs[@]}"; do name=${p%@*}; ver=${p##*@}; echo "| $name | $ver |"; done
  echo
  echo "coop-editor.min.js bundles yjs, quill, y-quill and quill-cursors (${tools[*]})."
} > $v/VERSIONS.md
echo "vendored into $v"

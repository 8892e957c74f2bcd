#!/usr/bin/env bash
# The Caliper-style benchmark report renders in a browser: runs `blackstart bench` on the
# paper's five-round configuration, screenshots report.html in headless Chromium, and checks the
# screenshot is a real page and the rendered DOM holds all five rounds.
# Needs target/debug/blackstart (`cargo build`); installs Chromium (Debian) when it is missing.
# KEEP_REPORT=DIR copies report.html and report.png there, to look at them.
set -euo pipefail
cd "$(dirname "$0")/.."

if [[ ! -x /usr/bin/chromium ]]; then
    echo "== installing chromium"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

tmp="$(mktemp -d)"
profile="$(mktemp -d)"
trap 'rm -rf "$tmp" "$profile"' EXIT

echo "== bench scenarios/caliper-paper.yaml"
target/debug/blackstart bench scenarios/caliper-paper.yaml --out "$tmp" >"$tmp/stdout.txt"

chromium_flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
    --disable-background-networking --disable-component-update --disable-sync
    --user-data-dir="$profile")

echo "== screenshot of report.html"
chromium "${chromium_flags[@]}" --window-size=1280,2000 --screenshot="$tmp/report.png" \
    "file://$tmp/report.html" 2>"$tmp/chromium.log" || { cat "$tmp/chromium.log"; exit 1; }
size=$(stat -c %s "$tmp/report.png" 2>/dev/null || echo 0)
# A blank 1280×2000 page compresses to a few kB; the report's tables and charts are far more.
if (( size < 50000 )); then
    echo "report.png is missing or trivial ($size bytes)" >&2
    exit 1
fi
echo "report.png: $size bytes"

echo "== rendered DOM holds the five rounds"
chromium "${chromium_flags[@]}" --dump-dom "file://$tmp/report.html" >"$tmp/dom.html" 2>>"$tmp/chromium.log"
for round in FindEntities PowerData PowerBalance TariffComputation OptimisationHandler; do
    if ! grep -q "<td>$round</td>" "$tmp/dom.html"; then
        echo "round $round missing from the rendered report" >&2
        exit 1
    fi
done
if [[ -n "${KEEP_REPORT:-}" ]]; then
    cp "$tmp/report.png" "$tmp/report.html" "$KEEP_REPORT"/
fi
echo "== bench report check passed"

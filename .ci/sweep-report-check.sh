#!/usr/bin/env bash
# The sweep and survival reports render in a browser: runs a small sweep and a small survival
# study of campus13 with the debug binary, opens each report.html in headless Chromium, checks
# the screenshot is a real page and the rendered DOM holds every section, and checks the page
# asks for nothing outside itself (no script, stylesheet, image or font from anywhere).
# Needs target/debug/blackstart (`cargo build`; BLACKSTART=PATH for another binary); installs
# Chromium (Debian) when it is missing. KEEP_REPORT=DIR copies the pages and screenshots there.
set -euo pipefail
cd "$(dirname "$0")/.."
blackstart="${BLACKSTART:-target/debug/blackstart}"

if [[ ! -x /usr/bin/chromium ]]; then
    echo "== installing chromium"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

tmp="$(mktemp -d)"
profile="$(mktemp -d)"
trap 'rm -rf "$tmp" "$profile"' EXIT

echo "== sweep scenarios/campus13.yaml --runs 40"
"$blackstart" sweep scenarios/campus13.yaml --runs 40 --out "$tmp/sweep" --quiet >/dev/null
echo "== survival scenarios/campus13.yaml --starts 288 --durations 1h,2h"
"$blackstart" survival scenarios/campus13.yaml --starts 288 --durations 1h,2h \
    --out "$tmp/survival" --quiet >/dev/null

chromium_flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
    --disable-background-networking --disable-component-update --disable-sync
    --user-data-dir="$profile")

# check NAME SECTION… : report $tmp/NAME/report.html renders, holds every section, is self-contained.
check() {
    local name="$1"
    shift
    local page="$tmp/$name/report.html"
    echo "== $name: nothing requested from outside the page"
    if grep -Eiq '<script|<link|<img|<iframe|<object|<embed|src=|href=|url\(|@import' "$page"; then
        grep -Eio '.{0,40}(<script|<link|<img|<iframe|<object|<embed|src=|href=|url\(|@import).{0,40}' \
            "$page" | head -5 >&2
        echo "$name/report.html refers to an external resource" >&2
        exit 1
    fi
    echo "== $name: screenshot"
    chromium "${chromium_flags[@]}" --window-size=1280,3000 --screenshot="$tmp/$name.png" \
        "file://$page" 2>"$tmp/chromium.log" || { cat "$tmp/chromium.log"; exit 1; }
    local size
    size=$(stat -c %s "$tmp/$name.png" 2>/dev/null || echo 0)
    # A blank page compresses to a few kB; the reports' charts are far more.
    if (( size < 50000 )); then
        echo "$name.png is missing or trivial ($size bytes)" >&2
        exit 1
    fi
    echo "$name.png: $size bytes"
    echo "== $name: rendered DOM holds every section"
    chromium "${chromium_flags[@]}" --dump-dom "file://$page" >"$tmp/$name.dom.html" \
        2>>"$tmp/chromium.log"
    for id in "$@"; do
        if ! grep -q "<section id=\"$id\">" "$tmp/$name.dom.html"; then
            echo "section $id missing from the rendered $name report" >&2
            exit 1
        fi
    done
    if ! grep -q "<svg" "$tmp/$name.dom.html"; then
        echo "no chart in the rendered $name report" >&2
        exit 1
    fi
    if [[ -n "${KEEP_REPORT:-}" ]]; then
        cp "$page" "$KEEP_REPORT/$name.html"
        cp "$tmp/$name.png" "$KEEP_REPORT/"
    fi
}

check sweep restoration resilience-curve references indices
check survival survival-overall survival-by-hour survival-heat-maps survival-failures
echo "== sweep and survival report check passed"

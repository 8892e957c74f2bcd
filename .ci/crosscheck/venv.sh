# Sourced by the cross-check scripts: makes sure requirements.txt is installed in
# .ci/crosscheck/.venv (git-ignored) and sets $venv. Rebuilt only when requirements.txt or the
# Python version changes. PYTHON picks the interpreter (default python3, 3.11 or newer).
cross_here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
python="${PYTHON:-python3}"
venv="$cross_here/.venv"
stamp="$venv/.requirements.sha256"
want="$({ "$python" --version; cat "$cross_here/requirements.txt"; } | sha256sum | cut -d' ' -f1)"
if [[ ! -x "$venv/bin/python" || "$(cat "$stamp" 2>/dev/null || true)" != "$want" ]]; then
    echo "== cross-check venv: installing requirements.txt into $venv"
    rm -rf "$venv"
    "$python" -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input \
        -r "$cross_here/requirements.txt"
    echo "$want" >"$stamp"
fi

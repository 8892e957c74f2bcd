# Sourced by the notebook scripts (check.sh, ../.ci/same-behaviour.sh): makes sure the packages of
# requirements.txt are installed in notebooks/.venv (git-ignored), with a Jupyter kernel of that
# venv, and sets $venv and $kernel. The venv is rebuilt only when requirements.txt or the Python
# version changes. PYTHON picks the interpreter (default python3, 3.11 or newer).
venv_here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
python="${PYTHON:-python3}"
venv="$venv_here/.venv"
kernel="blackstart-notebooks"
stamp="$venv/.requirements.sha256"
want="$({ "$python" --version; cat "$venv_here/requirements.txt"; } | sha256sum | cut -d' ' -f1)"
started=$SECONDS
if [[ ! -x "$venv/bin/python" || "$(cat "$stamp" 2>/dev/null || true)" != "$want" ]]; then
    echo "== notebook venv: installing requirements.txt into $venv"
    rm -rf "$venv"
    "$python" -m venv "$venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-input \
        -r "$venv_here/requirements.txt"
    # A kernel spec inside the venv (share/jupyter/kernels), so the kernel is the venv's Python.
    "$venv/bin/python" -m ipykernel install --sys-prefix --name "$kernel" \
        --display-name "Python 3 (blackstart notebooks)" >/dev/null
    echo "$want" >"$stamp"
    echo "   installed in $((SECONDS - started)) s"
else
    echo "== notebook venv: $venv is up to date"
fi

# Shared by scripts/drill, scripts/test and scripts/lock: create or refresh a virtualenv.
# shellcheck shell=bash

# The versions the test suite passed with (written by scripts/lock). Installs use them as pip
# constraints, so a clean machine gets what CI tested, not whatever was released this morning.
LOCK_FILE="constraints.txt"

python_ok() {
    local py="${PYTHON:-python3}"
    if ! "$py" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
        echo "interview-drill needs Python 3.11 or newer (set PYTHON=/path/to/python3.11)" >&2
        exit 1
    fi
}

# ensure_venv EXTRA [VENV] [latest]
#   EXTRA: "" or an extra of pyproject.toml (dev); VENV: folder (default .venv);
#   "latest": ignore the lock and take the newest releases (refreshed on every call).
ensure_venv() {
    local extra="$1" venv="${2:-.venv}" mode="${3:-locked}" py="${PYTHON:-python3}" stamp want
    local -a pins=()
    python_ok
    if [ ! -x "$venv/bin/python" ]; then
        echo "creating $venv ..." >&2
        "$py" -m venv "$venv"
    fi
    if [ "$mode" = "latest" ]; then
        want="latest-$(date +%s)"
        pins=(--upgrade --upgrade-strategy eager)
    else
        want="$(cat pyproject.toml "$LOCK_FILE" 2>/dev/null | sha256sum | cut -c1-16)"
        [ -f "$LOCK_FILE" ] && pins=(-c "$LOCK_FILE")
    fi
    stamp="$venv/.idrill-stamp-${extra:-base}"
    # A dev install also satisfies a plain one.
    if [ -z "$extra" ] && [ "$(cat "$venv/.idrill-stamp-dev" 2>/dev/null)" = "$want" ]; then
        return 0
    fi
    if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
        echo "installing interview-drill${extra:+[$extra]} into $venv ($mode versions) ..." >&2
        "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip 2>&1 \
            | grep -v '^WARNING: Location' >&2 || true
        if ! "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "${pins[@]}" \
            -e ".${extra:+[$extra]}" 2> "$venv/pip.log"; then
            grep -v '^WARNING: Location' "$venv/pip.log" >&2
            echo "pip install failed (log: $venv/pip.log)" >&2
            exit 1
        fi
        echo "$want" > "$stamp"
    fi
}

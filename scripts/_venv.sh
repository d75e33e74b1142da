# Shared by scripts/drill and scripts/test: create or refresh .venv when pyproject.toml changes.
# shellcheck shell=bash

ensure_venv() {
    local extra="$1" py="${PYTHON:-python3}" stamp want
    if ! "$py" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
        echo "interview-drill needs Python 3.11 or newer (set PYTHON=/path/to/python3.11)" >&2
        exit 1
    fi
    if [ ! -x .venv/bin/python ]; then
        echo "creating .venv ..." >&2
        "$py" -m venv .venv
    fi
    want="$(sha256sum pyproject.toml | cut -c1-16)"
    stamp=".venv/.idrill-stamp-${extra:-base}"
    # A dev install also satisfies a plain one.
    if [ -z "$extra" ] && [ "$(cat .venv/.idrill-stamp-dev 2>/dev/null)" = "$want" ]; then
        return 0
    fi
    if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
        echo "installing interview-drill${extra:+[$extra]} into .venv ..." >&2
        .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip 2>&1 | grep -v '^WARNING: Location' >&2 || true
        if ! .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".${extra:+[$extra]}" 2> .venv/pip.log; then
            grep -v '^WARNING: Location' .venv/pip.log >&2
            echo "pip install failed (log: .venv/pip.log)" >&2
            exit 1
        fi
        echo "$want" > "$stamp"
    fi
}

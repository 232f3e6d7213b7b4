#!/usr/bin/env bash
# Runs the whole test suite on a fresh machine: installs what it needs, builds, tests.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
# Headless Chromium renders the `lwdata report` page in the tests (FilterReportTests); slurm-wlm and
# munge run a one-node Slurm cluster for SlurmArrayTests (scripts/slurm-cluster.sh).
if ! command -v chromium >/dev/null 2>&1 || [[ ! -x /usr/sbin/slurmctld || ! -x /usr/sbin/munged ]]; then
    SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium slurm-wlm munge >/dev/null
fi
python3 -m pip install --quiet --disable-pip-version-check jsonschema pyyaml zstandard datasets openai gguf==0.19.0 numpy
swift build --build-tests
swift test --skip-build "$@"

#!/usr/bin/env bash
# Runs the whole test suite on a fresh machine: installs what it needs, builds, tests.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
python3 -m pip install --quiet --disable-pip-version-check jsonschema pyyaml zstandard datasets
swift build --build-tests
swift test --skip-build "$@"

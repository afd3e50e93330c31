#!/usr/bin/env bash
# Configures and builds one build tree. Usage: ci/build.sh [BUILD_DIR] [extra cmake args...]
# Shared by quickstart.sh and test.sh so both build the same way.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build_dir=${1:-"$root/build"}
shift || true
jobs=${KC_JOBS:-$(nproc)}
cmake -S "$root" -B "$build_dir" -G Ninja "$@" >/dev/null
cmake --build "$build_dir" -j "$jobs"

#!/usr/bin/env bash
# Runs every test: the normal build, and with --sanitize also an ASan+UBSan build.
#   ci/test.sh              # build/ + ctest
#   ci/test.sh --sanitize   # also build-asan/ + ctest (what CI runs)
# Installs missing Debian packages first, so it works on a fresh Debian 12 machine.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

sanitize=0
for arg in "$@"; do
  case "$arg" in
    --sanitize) sanitize=1 ;;
    -h|--help) sed -n '2,5p' "$0"; exit 0 ;;
    *) echo "ci/test.sh: unknown option '$arg' (use --sanitize or --help)" >&2; exit 2 ;;
  esac
done

bash ci/install-deps.sh
jobs=${KC_JOBS:-$(nproc)}

echo "== build (RelWithDebInfo) =="
bash ci/build.sh "$root/build" -DKC_BUILD_TESTS=ON
echo "== tests =="
ctest --test-dir "$root/build" --output-on-failure -j "$jobs"

if [ "$sanitize" -eq 1 ]; then
  echo "== build (ASan + UBSan) =="
  bash ci/build.sh "$root/build-asan" -DKC_BUILD_TESTS=ON -DKC_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug
  echo "== tests under ASan + UBSan =="
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir "$root/build-asan" --output-on-failure -j "$jobs"
fi

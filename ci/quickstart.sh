#!/usr/bin/env bash
# The main job on the embedded default, from a fresh Debian 12 machine:
# installs what is missing, builds kuscia-mock and kuscia-conform, then runs `kuscia-conform run`
# (fresh certificates in a temp dir, the embedded fake server, the bundled suite, a report).
# Extra arguments go to `kuscia-conform run`.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
bash ci/install-deps.sh
KC_JOBS=${KC_JOBS:-$(nproc)} bash ci/build.sh "$root/build" -DKC_BUILD_TESTS=OFF
exec "$root/build/bin/kuscia-conform" run "$@"

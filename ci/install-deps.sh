#!/usr/bin/env bash
# Installs exactly the Debian 12 packages kuscia-conformance needs to build and test, skipping what is present.
# Idempotent; needs root (or sudo) only when something is missing.
set -euo pipefail

packages=(
  g++ cmake ninja-build pkg-config
  libgtest-dev libgmock-dev            # unit and end-to-end tests
  libssl-dev                           # OpenSSL 3: certificate toolkit, TLS
  libboost-dev                         # Boost.Asio + Boost.Beast: the fake server's core (header-only)
  libcpp-httplib-dev                   # the built-in client
  nlohmann-json3-dev                   # JSON
  libyaml-cpp-dev                      # scenario and state files
  libcli11-dev                         # command-line options of kuscia-mock and kuscia-conform
  curl                                 # a real client the suite drives, exactly as the Kuscia docs do
  python3                              # the example exec: client adapter (standard library only)
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"

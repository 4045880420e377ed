#!/usr/bin/env bash
# Installs what building (and, with --test, testing) Cognate needs on a Debian machine.
# Idempotent: every step checks first and does nothing when the tool is already there.
# Downloads only from the package registries (Debian, crates.io, npm) and rustup.
set -euo pipefail
cd "$(dirname "$0")/.."

want_test=false
[[ "${1:-}" == "--test" ]] && want_test=true
WASM_BINDGEN_VERSION=0.2.130 # must equal the `wasm-bindgen` pin in Cargo.toml

sudo_if_needed() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }
apt_updated=false
apt_install() {
  if ! $apt_updated; then sudo_if_needed apt-get update -qq; apt_updated=true; fi
  DEBIAN_FRONTEND=noninteractive sudo_if_needed apt-get install -y -qq "$@" >/dev/null
}

export PATH="$HOME/.cargo/bin:$PATH"
if ! command -v cargo >/dev/null 2>&1; then
  echo "setup: installing the Rust toolchain (rustup)"
  command -v curl >/dev/null 2>&1 || apt_install curl ca-certificates
  curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal
fi
command -v cc >/dev/null 2>&1 || apt_install build-essential pkg-config
if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  echo "setup: adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi
if [[ "$(wasm-bindgen --version 2>/dev/null || true)" != "wasm-bindgen $WASM_BINDGEN_VERSION" ]]; then
  echo "setup: installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (a few minutes, once)"
  # No --locked: its lockfile pins a webpki-roots release the registry mirror lacks.
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" --quiet
fi

if $want_test; then
  command -v python3 >/dev/null 2>&1 || apt_install python3
  command -v psql >/dev/null 2>&1 || apt_install postgresql-client
  command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || apt_install nodejs npm
  # Debian's chromium: Playwright never downloads a browser here.
  [[ -x /usr/bin/chromium ]] || apt_install chromium
  rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy rustfmt
  need_npm=false
  for m in @playwright/test @aws-sdk/client-cognito-identity-provider smtp-server amazon-cognito-identity-js; do
    [[ -d "end2end/node_modules/$m" ]] || need_npm=true
  done
  if $need_npm; then
    (cd end2end && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund --loglevel=error)
  fi
  # Python clients (pycognito, moto_server as an SNS and IAM stand-in) for the tests.
  python3 -m venv --help >/dev/null 2>&1 || apt_install python3-venv
  end2end/python/install.sh
fi

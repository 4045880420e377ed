#!/usr/bin/env bash
# Builds the console assets (wasm + JS glue + CSS) into target/site and the `cognate`
# binary, the way cargo-leptos would, without downloading anything.
#   scripts/build.sh            debug build
#   scripts/build.sh --release  optimised build
set -euo pipefail
cd "$(dirname "$0")/.."

profile=debug; wasm_profile_flag=(); server_flag=()
if [[ "${1:-}" == "--release" ]]; then
  profile=wasm-release; wasm_profile_flag=(--profile wasm-release); server_flag=(--release)
fi

site=target/site
mkdir -p "$site/pkg"

echo "==> wasm (frontend, $profile)"
cargo build --package cognate-frontend --lib --target wasm32-unknown-unknown \
  --target-dir target/front "${wasm_profile_flag[@]}"

echo "==> wasm-bindgen"
wasm-bindgen --target web --out-name cognate --out-dir "$site/pkg" \
  "target/front/wasm32-unknown-unknown/$profile/cognate_frontend.wasm"

if [[ "$profile" == "wasm-release" ]] && command -v wasm-opt >/dev/null 2>&1; then
  echo "==> wasm-opt"
  wasm-opt -Oz "$site/pkg/cognate_bg.wasm" -o "$site/pkg/cognate_bg.wasm"
fi

echo "==> styles and public files"
cp style/main.css "$site/pkg/cognate.css"
cp -r public/. "$site/"

echo "==> server"
cargo build --package cognate-server --bin cognate "${server_flag[@]}"
echo "built: the cognate binary under target/ and the console assets in $site"

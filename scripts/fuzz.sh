#!/usr/bin/env bash
# Runs the cargo-fuzz targets in fuzz/ (SECURITY.md F-01), each for a while, and prints the
# executions per target. Not part of CI: it needs the nightly toolchain (installed through
# rustup when missing) and cargo-fuzz (from crates.io), and minutes of CPU per target.
#   scripts/fuzz.sh [seconds per target, default 120] [target ...]
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
seconds="${1:-120}"; shift || true
targets=("$@")
[[ ${#targets[@]} -gt 0 ]] || targets=(model_validator sigv4_authorization list_users_filter branding_css hosted_form)

rustup toolchain list | grep -q '^nightly' || rustup toolchain install nightly --profile minimal
command -v cargo-fuzz >/dev/null 2>&1 || cargo install cargo-fuzz --locked
[[ -f fuzz/Cargo.lock ]] || cp Cargo.lock fuzz/Cargo.lock   # the same versions as the product

for t in "${targets[@]}"; do
  corpus="target/fuzz-corpus/$t"
  mkdir -p "$corpus"
  echo "==> $t ($seconds s)"
  log=$(mktemp)
  # -rss_limit_mb: the F-01 row's memory bound; -timeout: no single input may take > 1 s.
  if ! cargo +nightly fuzz run "$t" "$corpus" -- -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=1 \
       -print_final_stats=1 >"$log" 2>&1; then
    tail -40 "$log"; echo "fuzz target $t FAILED (crash, leak or timeout above)"; exit 1
  fi
  execs=$(grep -E '^stat::number_of_executed_units' "$log" | awk '{print $2}')
  echo "$t: ${execs:-?} executions, no crash"
  rm -f "$log"
done

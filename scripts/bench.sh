#!/usr/bin/env bash
# Load tests of the hot paths over HTTP on loopback: builds the release server, runs it
# on core 0 and the load generator on core 1, on SQLite and, with
# COGNATE_TEST_POSTGRES_URL, on a fresh PostgreSQL database. Extra args go to the bench.
#   scripts/bench.sh [--seconds 10] [--list-users 1000000]
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
cargo build --release -p cognate-server --bin cognate
cargo build --release -p cognate-bench
taskset -c 1 target/release/cognate-bench --server target/release/cognate "$@"
if [[ -n "${COGNATE_TEST_POSTGRES_URL:-}" ]]; then
  db="cognate_bench_$$"
  export PGOPTIONS="-c client_min_messages=warning"
  psql "$COGNATE_TEST_POSTGRES_URL" -qAt -c "drop database if exists $db" -c "create database $db" >/dev/null
  trap 'psql "$COGNATE_TEST_POSTGRES_URL" -qAt -c "drop database if exists $db with (force)" >/dev/null 2>&1 || true' EXIT
  taskset -c 1 target/release/cognate-bench --server target/release/cognate --database-url "${COGNATE_TEST_POSTGRES_URL%/*}/$db" "$@"
fi

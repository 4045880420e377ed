#!/usr/bin/env bash
# Runs the Playwright suite against the built server (scripts/build.sh first): one
# project on SQLite, and one on PostgreSQL when COGNATE_TEST_POSTGRES_URL is set, each
# on a fresh database and a free port.
set -euo pipefail
export PGOPTIONS="-c client_min_messages=warning"
cd "$(dirname "$0")/.."

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export E2E_SQLITE_PORT=$(free_port) E2E_SQLITE_DIR="$work/sqlite" E2E_SMTP_PORT=$(free_port)
export E2E_BIN="${E2E_BIN:-$PWD/target/debug/cognate}" COGNATE_SITE_DIR="$PWD/target/site"
[[ -x "$E2E_BIN" ]] || { echo "e2e: $E2E_BIN is missing; run scripts/build.sh" >&2; exit 1; }

if [[ -n "${COGNATE_TEST_POSTGRES_URL:-}" ]]; then
  db="cognate_e2e_$$"
  psql "$COGNATE_TEST_POSTGRES_URL" -qAt -c "drop database if exists $db" -c "create database $db" >/dev/null
  base="${COGNATE_TEST_POSTGRES_URL%/*}"
  export E2E_POSTGRES_URL="$base/$db" E2E_POSTGRES_PORT=$(free_port) E2E_POSTGRES_DIR="$work/postgres"
  trap 'rm -rf "$work"; psql "$COGNATE_TEST_POSTGRES_URL" -qAt -c "drop database if exists $db with (force)" >/dev/null 2>&1 || true' EXIT
fi

cd end2end
need_npm=false
for m in @playwright/test @aws-sdk/client-cognito-identity-provider smtp-server amazon-cognito-identity-js; do
  [[ -d "node_modules/$m" ]] || need_npm=true
done
! $need_npm || PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --no-audit --no-fund
npx playwright test "$@"

#!/usr/bin/env bash
# One command from a fresh Debian machine to a running Cognate on embedded SQLite:
# installs what is missing, builds, and starts the server (extra arguments go to it).
#   COGNATE_BOOTSTRAP_OPERATOR_EMAIL=you@example.com COGNATE_BOOTSTRAP_OPERATOR_PASSWORD='...' scripts/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
export PATH="$HOME/.cargo/bin:$PATH"
scripts/build.sh --release
exec target/release/cognate serve "$@"

#!/usr/bin/env bash
# Installs the Python test clients (pycognito, boto3, pyotp, pytest, moto and its
# server) into target/python-venv, from PyPI, once. Used by scripts/setup.sh --test,
# end2end/python/run.sh, and the Rust tests that need moto_server (an SNS stand-in).
set -euo pipefail
cd "$(dirname "$0")"
venv="$(cd ../.. && pwd)/target/python-venv"
if [[ ! -x "$venv/bin/moto_server" ]] || ! "$venv/bin/python" -c 'import moto, pycognito, pyotp, pytest' 2>/dev/null; then
  echo "python: installing the test clients into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check -r requirements.txt
fi

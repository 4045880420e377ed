#!/usr/bin/env bash
# Python clients against the built server (scripts/build.sh first):
#  1. pycognito signs in over SRP, answers TOTP (pyotp) and an SMS code that Cognate
#     sent through its SNS sender to moto's server (test_pycognito.py, written here);
#  2. moto's tests that its maintainers verified against AWS itself
#     (`pytest -m aws_verified` in moto's tests/test_cognitoidp, from its source
#     distribution on PyPI), run unchanged with the AWS SDK pointed at Cognate. moto's
#     own server, on loopback, answers the IAM calls those tests make.
# Everything comes from PyPI into a virtualenv under target/; nothing else is fetched.
set -euo pipefail
cd "$(dirname "$0")"
root=$(cd ../.. && pwd)
venv="$root/target/python-venv"
MOTO_VERSION=5.2.5

./install.sh
src="$venv/moto-src/moto-$MOTO_VERSION"
if [[ ! -f "$src/tests/test_cognitoidp/test_cognitoidp.py" ]]; then
  mkdir -p "$venv/moto-src"
  "$venv/bin/pip" download -q --disable-pip-version-check --no-deps --no-binary :all: "moto==$MOTO_VERSION" -d "$venv/moto-src"
  tar -xzf "$venv/moto-src/moto-$MOTO_VERSION.tar.gz" -C "$venv/moto-src"
fi

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }
bin="${E2E_BIN:-$root/target/debug/cognate}"
[[ -x "$bin" ]] || { echo "python: $bin is missing; run scripts/build.sh" >&2; exit 1; }
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

cognate_port=$(free_port)
moto_port=$(free_port)
key_id=AKIACOGNATEPY0000001
key_secret=cognate-python-secret-key-000001
# moto's tests create pools in us-west-2; rate limits per source are raised because every
# call comes from 127.0.0.1 (they are tested in server/tests/api/attack.rs).
COGNATE_REGION=us-west-2 COGNATE_LISTEN="127.0.0.1:$cognate_port" COGNATE_PUBLIC_URL="http://127.0.0.1:$cognate_port" \
  COGNATE_DATA_DIR="$work/data" COGNATE_LOG=warn COGNATE_BOOTSTRAP_ACCESS_KEY_ID=$key_id \
  COGNATE_BOOTSTRAP_SECRET_ACCESS_KEY=$key_secret COGNATE_CODE_REQUESTS_PER_SOURCE=6000 \
  COGNATE_FAILED_SIGN_INS_PER_SOURCE=6000 COGNATE_SNS_ENDPOINT="http://127.0.0.1:$moto_port" \
  COGNATE_SNS_ACCESS_KEY_ID=AKIASNSTEST000000001 COGNATE_SNS_SECRET_ACCESS_KEY=sns-test-secret-key-0001 \
  ${E2E_DATABASE_URL:+COGNATE_DATABASE_URL=$E2E_DATABASE_URL} \
  "$bin" >"$work/cognate.log" 2>&1 &
pids+=($!)
"$venv/bin/moto_server" -H 127.0.0.1 -p "$moto_port" >"$work/moto.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$cognate_port/ready" >/dev/null 2>&1 && curl -fs "http://127.0.0.1:$moto_port/moto-api/" >/dev/null 2>&1 && break
  sleep 0.2
done
curl -fs "http://127.0.0.1:$cognate_port/ready" >/dev/null || { cat "$work/cognate.log"; exit 1; }

export AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER="http://127.0.0.1:$cognate_port"
export AWS_ENDPOINT_URL_IAM="http://127.0.0.1:$moto_port" AWS_ENDPOINT_URL_STS="http://127.0.0.1:$moto_port"
export AWS_ACCESS_KEY_ID=$key_id AWS_SECRET_ACCESS_KEY=$key_secret AWS_DEFAULT_REGION=us-west-2
export COGNATE_URL="http://127.0.0.1:$cognate_port" MOTO_URL="http://127.0.0.1:$moto_port"
status=0
"$venv/bin/python" -m pytest -q -p no:cacheprovider --color=no test_pycognito.py || status=1
# MOTO_TEST_ALLOW_AWS_REQUEST makes moto's decorator talk to "AWS" (here: Cognate)
# instead of its in-process mock.
(cd "$src" && MOTO_TEST_ALLOW_AWS_REQUEST=true "$venv/bin/python" -m pytest -q -p no:cacheprovider --color=no \
  -m aws_verified tests/test_cognitoidp/test_cognitoidp.py) || status=1
[[ $status -eq 0 ]] || { echo "--- server log"; tail -50 "$work/cognate.log"; }
exit $status

#!/usr/bin/env bash
# What the end-to-end tests need beyond npm, installed when missing (npm test runs this first):
# Debian's Chromium for the browser tests; Flask and Streamlit for the real Python upstreams and the
# example webapps; PyJWT and pytest for the Python SDK.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null 2>&1; then
  echo "test-deps: installing Debian's chromium"
  as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq chromium > /dev/null
fi
if ! python3 -c 'import flask, streamlit, jwt, cryptography, pytest' > /dev/null 2>&1; then
  echo "test-deps: installing Flask, Streamlit, PyJWT and pytest"
  python3 -m pip install --quiet --disable-pip-version-check -r apps/gateway/test/fixtures/requirements.txt -r libs/runtime-python/requirements-dev.txt
fi

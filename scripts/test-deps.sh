#!/usr/bin/env bash
# What the end-to-end tests need beyond npm, installed when missing (npm test runs this first):
# Debian's Chromium for the browser tests, and Flask and Streamlit for the real Python upstreams.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null 2>&1; then
  echo "test-deps: installing Debian's chromium"
  as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq chromium > /dev/null
fi
if ! python3 -c 'import flask, streamlit' > /dev/null 2>&1; then
  echo "test-deps: installing Flask and Streamlit (apps/gateway/test/fixtures/requirements.txt)"
  python3 -m pip install --quiet --disable-pip-version-check -r apps/gateway/test/fixtures/requirements.txt
fi

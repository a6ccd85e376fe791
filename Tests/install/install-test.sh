#!/usr/bin/env bash
# `make install-test`: `make install PREFIX=…` from a fresh clone, then the installed binary run
# from a folder that is not the repository: `certpack serve` answers /healthz, the page and a check,
# and `certpack fill` writes a pack. Usage: install-test.sh [BUILD_FLAGS]   (default: -c release)
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
flags=${1:--c release}
work=$(mktemp -d)
pid=
cleanup() { [ -n "$pid" ] && kill -INT "$pid" 2>/dev/null && wait "$pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

git clone -q "$root" "$work/clone"
(cd "$work/clone" && make -s install PREFIX="$work/prefix" BUILD_FLAGS="$flags")
rm -rf "$work/clone"  # the installed copy must not lean on the repository
bin="$work/prefix/bin/certpack"
test -x "$bin"
mkdir "$work/elsewhere" && cd "$work/elsewhere"

cp "$root/Examples/new-odc-personal.yaml" app.yaml
"$bin" fill app.yaml -o out >/dev/null
pdf=$(find out -name '申请材料.pdf' | head -1)
test -s "$pdf" && pdfinfo "$pdf" | grep -q 'A4' && echo "install-test: fill from $work/elsewhere ok ($pdf)"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$bin" serve --port "$port" >"$work/serve.log" 2>&1 &
pid=$!
for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$port/healthz" && break; sleep 0.2; done
curl -sf "http://127.0.0.1:$port/healthz" | grep -q '"ok"'
curl -sf "http://127.0.0.1:$port/" | grep -q '单位名称'
curl -sf "http://127.0.0.1:$port/static/apply.js" >/dev/null
draft=$(curl -sf -H 'X-CertPack: 1' --data-binary @app.yaml "http://127.0.0.1:$port/api/import?name=app.yaml" \
  | python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin)["application"]))')
curl -sf -H 'X-CertPack: 1' -H 'Content-Type: application/json' -d "$draft" "http://127.0.0.1:$port/api/check" \
  | python3 -c 'import json,sys; j=json.load(sys.stdin); assert j["renderable"], j["problems"]'
echo "install-test: certpack serve from $work/prefix ok (/healthz, the page, a check)"

#!/usr/bin/env bash
# `make bench`, web section: certpack serve on loopback under concurrent clients, measured by wrk.
#   20 clients on the field check (/api/field)       target p99 ≤ 20 ms (the field and a neighbour, no layout)
#   20 clients on the quick draft check (/api/check?quick=1)  what follows a field left: checklist, no layout
#    4 clients downloading one pack (/api/pdf)        target p50 < 300 ms
# Usage: web-bench.sh CERTPACK [DURATION]   (DURATION as wrk takes it, default 10s)
set -euo pipefail
certpack=${1:?usage: web-bench.sh CERTPACK [DURATION]}
duration=${2:-10s}
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"

"$certpack" serve --port "$port" --templates "$root/Templates" --queue 16 >"$work/server.log" 2>&1 &
pid=$!
trap 'kill -INT $pid 2>/dev/null || true; wait $pid 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 100); do curl -sf -o /dev/null "$base/" && break; sleep 0.2; done

# The bodies: a field as the page sends it on leaving the box, and the example applicant as a draft
# (read through the page's own import, so it is exactly what the page would send).
printf '{"field":"handler.idNumber","value":"４４０３０５１９９２１２２５５６７２","context":{"idType":"居民身份证","name":"李俊杰"},"neighbours":{"handler.mobile":"１３９１２３４５６７８"}}' >"$work/field.json"
curl -sf -H 'X-CertPack: 1' --data-binary @"$root/Examples/new-odc-personal.yaml" "$base/api/import?name=a.yaml" \
  | python3 -c 'import json,sys; json.dump(json.load(sys.stdin)["application"], sys.stdout, ensure_ascii=False)' >"$work/pack.json"

cat >"$work/post.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-CertPack"] = "1"
local f = assert(io.open(os.getenv("BODY"), "rb"))
wrk.body = f:read("*a")
f:close()
LUA

run() {  # title, clients, path, body
  local out
  out=$(BODY="$4" wrk -t2 -c"$2" -d"$duration" --latency -s "$work/post.lua" "$base$3")
  local p50 p99 rps bad
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
  bad=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
  printf '  %-44s p50 %-9s p99 %-9s %8s req/s%s\n' "$1" "$p50" "$p99" "$rps" "${bad:+  ($bad not 200)}"
}

echo "Web (certpack serve on loopback, wrk, $duration each)"
run "field check, 20 clients (/api/field)" 20 /api/field "$work/field.json"
run "quick draft check, 20 clients (?quick=1)" 20 "/api/check?quick=1" "$work/pack.json"
run "full check with layout, 20 clients" 20 /api/check "$work/pack.json"
run "one pack PDF, 4 clients (/api/pdf)" 4 /api/pdf "$work/pack.json"

#!/usr/bin/env bash
# `make bench`, web section: certpack serve on loopback under concurrent clients, measured by wrk.
#   20 clients on the field check (/api/field)       target p99 ≤ 20 ms (the field and a neighbour, no layout)
#   20 clients on the quick draft check (/api/check?quick=1)  what follows a field left: checklist, no layout
#    4 clients downloading one pack (/api/pdf)        target p50 < 300 ms
# Usage: web-bench.sh CERTPACK [DURATION]   (DURATION as wrk takes it, default 10s)
#        ROSTER_ONLY=1 web-bench.sh …  only the 机构库 part
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

if [ -z "${ROSTER_ONLY:-}" ]; then
echo "Web (certpack serve on loopback, wrk, $duration each)"
run "field check, 20 clients (/api/field)" 20 /api/field "$work/field.json"
run "quick draft check, 20 clients (?quick=1)" 20 "/api/check?quick=1" "$work/pack.json"
run "full check with layout, 20 clients" 20 /api/check "$work/pack.json"
run "one pack PDF, 4 clients (/api/pdf)" 4 /api/pdf "$work/pack.json"
fi

# The 机构库 tab at Shenzhen's scale: 20 000 organisations (an ODC each, 600 due within 90 days),
# imported through the CLI, then the list as the page asks for it.   target p99 ≤ 50 ms
orgs=${ORGS:-20000}
python3 - "$work/roster.csv" "$orgs" <<'PY'
import csv, datetime, sys
path, n = sys.argv[1], int(sys.argv[2])
A = "0123456789ABCDEFGHJKLMNPQRTUWXY"
W = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
def uscc(i):
    c17 = "91440300MA5%06d" % i
    return c17 + A[(31 - sum(A.index(ch) * w for ch, w in zip(c17, W)) % 31) % 31]
def rid(i, year):
    seq = i % 1000  # a number ending in 000 is refused unless confirmed: those born 40 years earlier instead
    shifted = seq % 100 == 0
    b = "440305%04d%02d%02d%03d" % (year + i // 1000 - (40 if shifted else 0), i % 12 + 1, i % 28 + 1, seq + (1 if shifted else 0))
    return b + "10X98765432"[sum(int(a) * w for a, w in zip(b, [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2])) % 11]
today = datetime.date(2026, 12, 1)
with open(path, "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(["单位名称", "统一社会信用代码", "单位地址", "法定代表人姓名", "法定代表人证件号码", "法定代表人手机", "经办人姓名",
                "经办人证件号码", "经办人手机", "业务类型", "机构证书年限", "备注：机构证书序列号", "备注：机构证书有效期至"])
    for i in range(1, n + 1):
        until = today + datetime.timedelta(days=(i % 90) if i % 33 == 0 else 100 + i % 600)
        w.writerow(["深圳市南山区第%d号康宁诊所有限公司" % i, uscc(i), "深圳市南山区科技路%d号" % i, "陈志%d" % i, rid(i, 1960),
                    "138%08d" % i, "李俊%d" % i, rid(i, 1980), "139%08d" % i, "新办", "1", "SZCA%08d" % i, until.isoformat()])
PY
"$certpack" roster init --roster "$work/roster.sqlite" >/dev/null
start=$(date +%s.%N)
"$certpack" roster import "$work/roster.csv" --roster "$work/roster.sqlite" >/dev/null
imported=$(python3 -c "import sys; print('%.1f' % ($(date +%s.%N) - $start))")
rport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$certpack" serve --port "$rport" --templates "$root/Templates" --roster "$work/roster.sqlite" >"$work/server-roster.log" 2>&1 &
rpid=$!
trap 'kill -INT $pid $rpid 2>/dev/null || true; wait $pid $rpid 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$rport/healthz" && break; sleep 0.2; done
getrun() {  # title, clients, path
  local out p50 p99 rps
  out=$(wrk -t2 -c"$2" -d"$duration" --latency "http://127.0.0.1:$rport$3")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out"); p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
  printf '  %-44s p50 %-9s p99 %-9s %8s req/s\n' "$1" "$p50" "$p99" "$rps"
}
# Each request its own: a page of the list from anywhere in it, a name or a serial of any organisation
# (nothing repeats, so the pages the server keeps — it answers the same page again while the roster is
# unchanged — do not answer these: this is what a page costs to make).
cat >"$work/varied.lua" <<LUA
math.randomseed(os.time())
local orgs = $orgs
local kinds = { os.getenv("VARY") }
request = function()
  local n = math.random(1, orgs)
  if kinds[1] == "page" then return wrk.format("GET", "/api/roster?q=&offset=" .. math.random(0, orgs - 100)) end
  if kinds[1] == "serial" then return wrk.format("GET", string.format("/api/roster?q=SZCA%08d", n)) end
  return wrk.format("GET", "/api/roster?q=%E7%AC%AC" .. n .. "%E5%8F%B7")
end
LUA
variedrun() {  # title, kind
  local out p50 p99 rps
  out=$(VARY="$2" wrk -t2 -c20 -d"$duration" --latency -s "$work/varied.lua" "http://127.0.0.1:$rport")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out"); p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  rps=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
  printf '  %-44s p50 %-9s p99 %-9s %8s req/s\n' "$1" "$p50" "$p99" "$rps"
}
echo "机构库 ($orgs organisations, imported in ${imported} s)"
getrun "list, a page of all (/api/roster), 20 cl." 20 "/api/roster?q="
getrun "due board (/api/roster/due), 20 clients" 20 "/api/roster/due"
getrun "search by name (/api/roster?q=…), 20 cl." 20 "/api/roster?q=%E7%AC%AC12345%E5%8F%B7"
getrun "search by 统一社会信用代码, 20 clients" 20 "/api/roster?q=$(sed -n 12346p "$work/roster.csv" | cut -d, -f2)"
getrun "a card (/api/roster/org/…), 20 clients" 20 "/api/roster/org/$(sed -n 2p "$work/roster.csv" | cut -d, -f2)"
variedrun "a page of 100 from anywhere in the list, 20 cl." page
variedrun "a different name each time, 20 clients" name
variedrun "a different serial each time, 20 clients" serial
getrun "broad: every organisation matches (康宁), 20 cl." 20 "/api/roster?q=%E5%BA%B7%E5%AE%81"

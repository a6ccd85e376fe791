#!/usr/bin/env bash
# Byte identity of what CertPack makes, to compare two builds (a refactoring must not change a byte):
#   every example pack (`certpack fill`), a 100-organisation batch (`certpack batch`, rows generated
#   deterministically below), the Examples/batch.csv batch, and the web page's PDF (`POST /api/pdf`
#   on `certpack serve`, loopback) and batch zip (listed entry by entry).
# Prints one `sha256  path` line per file, sorted; diff the output of two builds.
# Usage: byte-identity.sh CERTPACK OUTDIR
set -euo pipefail
certpack=${1:?usage: byte-identity.sh CERTPACK OUTDIR}
out=${2:?usage: byte-identity.sh CERTPACK OUTDIR}
root=$(cd "$(dirname "$0")/../.." && pwd)
rm -rf "$out"; mkdir -p "$out"
out=$(cd "$out" && pwd)
export CERTPACK_TEMPLATES="$root/Templates"

# Every example pack; --date for those whose data has no visit date (the default would be today).
for f in "$root"/Examples/*.yaml; do
  name=$(basename "$f" .yaml)
  "$certpack" fill "$f" -o "$out/fill/$name" --date 2026-12-07 >/dev/null 2>"$out/fill-$name.err" || echo "fill $name: exit $?" >>"$out/exits.txt"
done

# 100 organisations: valid codes and IDs (check characters computed), mixed services and years.
python3 - "$out/batch100.csv" <<'PY'
import sys
def uscc_check(s17):
    chars = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    w = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    t = sum(chars.index(c) * w[i] for i, c in enumerate(s17))
    return chars[(31 - t % 31) % 31]
def id_check(s17):
    w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return "10X98765432"[sum(int(c) * w[i] for i, c in enumerate(s17)) % 11]
header = ("单位名称,统一社会信用代码,单位地址,邮政编码,单位电话,法定代表人姓名,法定代表人证件类型,法定代表人证件号码,"
          "法定代表人手机,经办人姓名,经办人证件类型,经办人证件号码,经办人手机,经办人邮箱,业务类型,办理方式,机构证书年限,"
          "法人证书年限,原证书序列号,变更事项,办理日期,办理时间,受理点,填表日期,持证人姓名,持证人证件类型,持证人证件号码,"
          "持证人手机,持证人职务").split(",")
districts = ["南山区", "福田区", "宝安区", "龙岗区", "罗湖区"]
lines = [",".join(header)]
for n in range(1, 101):
    code17 = "91440300MA5%06d" % n
    lr17 = "440305198001%02d%03d" % (n % 28 + 1, n % 500 * 2 + 1)
    h17 = "440306199002%02d%03d" % (n % 28 + 1, n % 500 * 2 + 1)
    v = {"单位名称": "深圳市%s第%d号康宁诊所有限公司" % (districts[n % 5], n), "统一社会信用代码": code17 + uscc_check(code17),
         "单位地址": "深圳市%s科技路%d号康宁大厦%d楼" % (districts[n % 5], n, n % 30 + 1),
         "法定代表人姓名": "陈志明", "法定代表人证件号码": lr17 + id_check(lr17), "法定代表人手机": "138%08d" % n,
         "经办人姓名": "李俊杰", "经办人证件号码": h17 + id_check(h17), "经办人手机": "139%08d" % n,
         "业务类型": "续期" if n % 3 == 0 else "新办", "原证书序列号": "SZCA%d" % (100000 + n) if n % 3 == 0 else "",
         "机构证书年限": "1", "法人证书年限": str(n % 5 + 1), "办理日期": "2026-12-07", "受理点": "科技园文化广场",
         "填表日期": "2026-12-01"}
    if n == 50:  # one bad row: a wrong check digit (the batch goes on without it)
        v["经办人证件号码"] = h17 + ("0" if id_check(h17) != "0" else "1")
    lines.append(",".join(v.get(h, "") for h in header))
open(sys.argv[1], "w", encoding="utf-8").write("\r\n".join(lines) + "\r\n")
PY
"$certpack" batch "$out/batch100.csv" -o "$out/batch100" --jobs 2 >/dev/null 2>"$out/batch100.err" || echo "batch100: exit $?" >>"$out/exits.txt"
"$certpack" batch "$root/Examples/batch.csv" -o "$out/batch-example" --jobs 2 >/dev/null 2>"$out/batch-example.err" || echo "batch-example: exit $?" >>"$out/exits.txt"

# The web page: the example applicant's PDF, and the example batch as a zip.
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
"$certpack" serve --port "$port" --templates "$root/Templates" >"$out/server.log" 2>&1 &
pid=$!
trap 'kill -INT $pid 2>/dev/null || true; wait $pid 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -sf -o /dev/null "$base/" && break; sleep 0.2; done
mkdir -p "$out/web"
curl -sf -H 'X-CertPack: 1' --data-binary @"$root/Examples/new-odc-personal.yaml" "$base/api/import?name=a.yaml" \
  | python3 -c 'import json,sys; json.dump(json.load(sys.stdin)["application"], sys.stdout, ensure_ascii=False)' >"$out/web/draft.json"
curl -sf -H 'X-CertPack: 1' -H 'Content-Type: application/json' --data-binary @"$out/web/draft.json" "$base/api/pdf" -o "$out/web/申请材料.pdf"
job=$(curl -sf -H 'X-CertPack: 1' --data-binary @"$root/Examples/batch.csv" "$base/api/batch?name=batch.csv" \
  | python3 -c 'import json,sys; print(json.load(sys.stdin)["job"])')
curl -sf -X POST -H 'X-CertPack: 1' "$base/api/batch/$job/run" >/dev/null
for _ in $(seq 300); do
  phase=$(curl -sf "$base/api/batch/$job" | python3 -c 'import json,sys; print(json.load(sys.stdin)["phase"])')
  [ "$phase" = done ] || [ "$phase" = failed ] && break
  sleep 0.2
done
curl -sf "$base/batch/$job/download.zip" -o "$out/web/batch.zip"
mkdir -p "$out/web/zip" && (cd "$out/web/zip" && python3 -c 'import zipfile,sys; zipfile.ZipFile(sys.argv[1]).extractall()' "$out/web/batch.zip")
rm -f "$out/web/batch.zip" "$out/web/draft.json"

cd "$out"
[ -f exits.txt ] && sed 's/^/# /' exits.txt
find fill batch100 batch-example web -type f | LC_ALL=C sort | while read -r f; do sha256sum "$f"; done

#!/usr/bin/env bash
# Fault: the disk fills up under the portal (SQLite). Needs root (it mounts a 4 MiB tmpfs).
# Expected: issuance answers 503 with Retry-After (never a 5xx with internals, never a
# corrupt database); once space is freed the portal issues again.
#   sudo tests/faults/disk-full.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build -q
bin=$PWD/target/debug/attest
dir=$(mktemp -d)
mount -t tmpfs -o size=4m tmpfs "$dir"
trap 'kill $server 2>/dev/null || true; sleep 0.5; umount "$dir"; rmdir "$dir"' EXIT
export ATTEST_DATA_DIR=$dir/data
$bin station add --code 440304-001 --name 福田派出所 --email f@example.cn >/dev/null
echo 'violet-harbour-lantern-42' | $bin party add --kind employer --name 示例公司 \
  --identifier 91350100M000100Y43 --station 440304-001 --email hr@example.cn --password-stdin >/dev/null
key=$($bin apikey create --email hr@example.cn)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
ATTEST_BIND=127.0.0.1:$port $bin > "$dir/../attest-disk-full.log" 2>&1 &
server=$!
sleep 1
issue() {
  curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $key" -H 'content-type: application/json' \
    -d '{"kind":"employment","subject":{"name":"王五","id_number":"440304199002151545"},"responsibility_accepted":true,"facts":{"position":"工程师","employed_since":"2023-03-01","contract_type":"other"}}' \
    "http://127.0.0.1:$port/api/v1/attestations"
}
# Fill the disk, leaving room for a few issuances.
avail=$(df --output=avail -k "$dir" | tail -1)
dd if=/dev/zero of="$dir/filler" bs=1k count=$((avail - 160)) 2>/dev/null || true
declare -A seen=()
ok=0
for i in $(seq 1 400); do
  code=$(issue)
  seen[$code]=$(( ${seen[$code]:-0} + 1 ))
  [ "$code" = 201 ] && ok=$((ok + 1))
done
echo "issued before the disk was full: $ok"
echo "answers: $(for c in "${!seen[@]}"; do printf '%s x%s  ' "$c" "${seen[$c]}"; done)"
[ -z "${seen[500]:-}" ] || { echo "FAIL: a 500 while the disk was full"; exit 1; }
[ -n "${seen[503]:-}" ] || { echo "FAIL: the disk never filled (no 503)"; exit 1; }
retry_after=$(curl -s -D - -o /dev/null -H "Authorization: Bearer $key" -H 'content-type: application/json' \
  -d '{"kind":"employment","subject":{"name":"王五","id_number":"440304199002151545"},"responsibility_accepted":true,"facts":{"position":"工程师","employed_since":"2023-03-01","contract_type":"other"}}' \
  "http://127.0.0.1:$port/api/v1/attestations" | grep -i '^retry-after' || true)
echo "a refused issuance says: ${retry_after:-no Retry-After}"
[ -n "$retry_after" ] || { echo "FAIL: no Retry-After"; exit 1; }
rm -f "$dir/filler"
code=$(issue)
echo "after freeing space: $code"
[ "$code" = 201 ] || { echo "FAIL: not working again once space was freed"; exit 1; }
kill $server; wait $server 2>/dev/null || true
python3 - "$dir/data/attest.db" <<'PY'
import sqlite3, sys
con = sqlite3.connect(sys.argv[1])
result = con.execute("PRAGMA integrity_check").fetchone()[0]
count = con.execute("SELECT count(*) FROM attestations").fetchone()[0]
print(f"integrity_check: {result}; attestations stored: {count}")
sys.exit(0 if result == "ok" else 1)
PY
echo "PASS"

#!/usr/bin/env bash
# One-command demo: three real hosts (network namespaces on a bridge with no uplink), alice posts,
# bob follows her link, and the post arrives at bob through the DHT and the swarm. Tears everything
# down at the end (also on Ctrl-C). Needs root and iproute2; builds target/charkha.jar if missing.
#
#   sudo test-swarm/demo.sh ["text to post"]
#
# It uses its own prefix (chk-demo-) and subnet (198.18.5.0/24), so it can run beside the tests.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(dirname "$here")"
jar="$repo/target/charkha.jar"
text="${1:-Hello from alice, $(date +%H:%M:%S)}"

if [ "$(id -u)" != 0 ]; then
  exec sudo -E "$0" "$@"
fi
if [ ! -f "$jar" ]; then
  echo "demo: building $jar" >&2
  (cd "$repo" && mvn -B -q package -DskipTests)
fi

PREFIX=chk-demo-
export CHK_SUBNET=198.18.5
PORT=7000
net() { bash "$here/net.sh" "$@"; }
work="$(mktemp -d /tmp/charkha-demo.XXXXXX)"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  net down "$PREFIX" >/dev/null 2>&1 || true
  rm -rf "$work"
  echo "demo: torn down"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

java_small=(java -Xmx128m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:-UsePerfData -jar "$jar")
charkha() { # charkha HOST ARGS...: the CLI on that host's data directory, inside its namespace
  local i=$1; shift
  net exec "$i" "$PREFIX" -- "${java_small[@]}" --home "$work/n$i" "$@"
}
name() { case $1 in 1) echo alice ;; 2) echo bob ;; *) echo carol ;; esac; }
wait_for() { # wait_for FILE PATTERN SECONDS
  local deadline=$((SECONDS + $3))
  until grep -q -- "$2" "$1" 2>/dev/null; do
    if (( SECONDS > deadline )); then echo "demo: gave up waiting for '$2' in $1" >&2; tail -20 "$1" >&2; exit 1; fi
    sleep 0.3
  done
}

net down "$PREFIX" >/dev/null 2>&1 || true
net up 3 "$PREFIX" >/dev/null
echo "demo: 3 hosts up on $CHK_SUBNET.0/24 (alice .1, bob .2, carol .3); nothing leaves this machine"

for i in 1 2 3; do
  bootstrap=()
  for j in 1 2 3; do [ "$i" = "$j" ] || bootstrap+=(--bootstrap "$CHK_SUBNET.$j:$PORT"); done
  charkha "$i" run --port "$PORT" --bind "$CHK_SUBNET.$i" --no-public-bootstrap "${bootstrap[@]}" \
    --poll 2 --no-lsd >"$work/n$i.log" 2>&1 &
  pids+=($!)
done
for i in 1 2 3; do
  wait_for "$work/n$i.log" "Charkha node running" 60
  echo "demo: $(name "$i") runs: $(grep -o 'magnet:[^ ]*' "$work/n$i.log" | head -1)"
done
link="$(grep -o 'magnet:[^ ]*' "$work/n1.log" | head -1)"
short="$(echo "$link" | sed 's/.*urn:btpk:\(........\).*/\1/')"

start=$SECONDS
echo "demo: alice posts: $text"
charkha 1 post "$text" >/dev/null
echo "demo: bob follows alice (he knows nothing but her link)"
charkha 2 follow "$link" >/dev/null
wait_for "$work/n2.log" "feed $short: now at seq" 90
echo "demo: after $((SECONDS - start)) s bob holds alice's feed:"
charkha 2 log "$link" | sed 's/^/    /'

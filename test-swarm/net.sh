#!/usr/bin/env bash
# Private multi-host network for test-swarm: one network namespace per host, all on one bridge
# that has NO uplink. Needs root and iproute2.
#
#   net.sh up N [PREFIX]    create hosts 1..N (idempotent: existing parts are kept)
#   net.sh down [PREFIX]    remove everything with this prefix, also after a partial `up` or a crash
#   net.sh cut NODE [PREFIX]   partition host NODE (its bridge-side veth goes down: packets are dropped)
#   net.sh heal NODE [PREFIX]  undo cut
#   net.sh check N [PREFIX] verify the safety invariants below; exit 1 if one is broken
#   net.sh exec NODE [PREFIX] -- CMD...   run CMD inside host NODE
#   net.sh status [PREFIX]
#
# PREFIX defaults to "chk-" and must start with "chk-". Names made: bridge ${PREFIX}br0, namespaces
# ${PREFIX}n1.., bridge-side veths ${PREFIX}v1.. (eth0 inside each namespace). Hosts get
# ${CHK_SUBNET}.I/24 (CHK_SUBNET defaults to 198.18.1; it must lie in 198.18.0.0/15), the bridge gets
# ${CHK_SUBNET}.254.
#
# Why it is safe (see shared/notes/test-hosts.md): a namespace has only its /24 route, so anything
# else is "Network is unreachable" inside it. In the root namespace an address of 198.18.0.0/15 that
# no interface holds would follow the machine's default route out, so before any host exists the
# bridge takes .254 (making the /24 a connected route) and 198.18.0.0/15 gets an `unreachable` route.
set -uo pipefail

readonly GUARD_NET=198.18.0.0/15
SUBNET=${CHK_SUBNET:-198.18.1}

die() { echo "net.sh: $*" >&2; exit 1; }
log() { echo "net.sh: $*" >&2; }

check_prefix() {
  [[ $PREFIX =~ ^chk-[a-z0-9-]{0,6}$ ]] || die "prefix '$PREFIX' must match chk-[a-z0-9-]{0,6}"
}
check_subnet() {
  [[ $SUBNET =~ ^198\.(18|19)\.([0-9]{1,3})$ ]] && (( BASH_REMATCH[2] <= 255 )) \
    || die "CHK_SUBNET '$SUBNET' must be 198.18.X or 198.19.X (inside $GUARD_NET)"
}
check_node() {
  [[ $1 =~ ^[0-9]+$ ]] && (( $1 >= 1 && $1 <= 250 )) || die "node '$1' must be a number 1..250"
}

bridge() { echo "${PREFIX}br0"; }
ns()     { echo "${PREFIX}n$1"; }
veth()   { echo "${PREFIX}v$1"; }

link_exists() { ip link show dev "$1" >/dev/null 2>&1; }
ns_exists()   { [[ -e /run/netns/$1 ]]; }

# Namespaces / veths of this prefix only: "chk-n12" matches prefix chk-, "chk-b1-n1" does not.
our_namespaces() {
  ip netns list 2>/dev/null | awk '{print $1}' | grep -E "^${PREFIX}n[0-9]+$" || true
}
our_veths() {
  ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | sed 's/@.*//' | grep -E "^${PREFIX}v[0-9]+$" || true
}

guard_route_present() { ip route show type unreachable "$GUARD_NET" 2>/dev/null | grep -q .; }

cmd_up() {
  local n=${1:-}
  [[ $n =~ ^[0-9]+$ ]] && (( n >= 1 && n <= 250 )) || die "up: N must be 1..250"
  local br; br=$(bridge)

  # Refuse a subnet that some other interface already holds (another harness, another prefix).
  local holder
  holder=$(ip -o -4 addr show to "${SUBNET}.0/24" 2>/dev/null | awk '{print $2}' | grep -vx "$br" | head -1)
  [[ -z $holder ]] || die "subnet ${SUBNET}.0/24 is already used by interface $holder; pick another CHK_SUBNET"

  # 1. Close the escape path before any host exists.
  if ! link_exists "$br"; then
    ip link add "$br" type bridge || die "cannot create bridge $br"
  fi
  sysctl -qw "net.ipv6.conf.$br.disable_ipv6=1" >/dev/null 2>&1 || true
  if ! ip -o -4 addr show dev "$br" | grep -q " ${SUBNET}.254/24 "; then
    ip addr add "${SUBNET}.254/24" dev "$br" || die "cannot address bridge $br"
  fi
  if ! guard_route_present; then
    ip route add unreachable "$GUARD_NET" 2>/dev/null || guard_route_present \
      || die "cannot add unreachable route $GUARD_NET"
  fi
  ip link set "$br" up || die "cannot bring $br up"

  # 2. Hosts.
  local i nsn v
  for ((i = 1; i <= n; i++)); do
    nsn=$(ns "$i"); v=$(veth "$i")
    ns_exists "$nsn" || ip netns add "$nsn" || die "cannot create namespace $nsn"
    ip netns exec "$nsn" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1 \
      >/dev/null || die "cannot disable IPv6 in $nsn"
    ip -n "$nsn" link set lo up || die "cannot bring lo up in $nsn"
    if ! link_exists "$v"; then
      ip link add "$v" type veth peer name eth0 netns "$nsn" || die "cannot create veth $v for $nsn"
    fi
    sysctl -qw "net.ipv6.conf.$v.disable_ipv6=1" >/dev/null 2>&1 || true
    ip link set "$v" master "$br" || die "cannot attach $v to $br"
    ip link set "$v" up || die "cannot bring $v up"
    ip netns exec "$nsn" sysctl -qw net.ipv6.conf.eth0.disable_ipv6=1 >/dev/null 2>&1 || true
    if ! ip -n "$nsn" -o -4 addr show dev eth0 | grep -q " ${SUBNET}.$i/24 "; then
      ip -n "$nsn" addr add "${SUBNET}.$i/24" dev eth0 || die "cannot address eth0 in $nsn"
    fi
    ip -n "$nsn" link set eth0 up || die "cannot bring eth0 up in $nsn"
  done
  cmd_check "$n"
}

cmd_down() {
  local rc=0 nsn pid v br; br=$(bridge)
  for nsn in $(our_namespaces); do
    # Processes still inside one of our namespaces were started there by the harness or by hand for
    # the test; a namespace with live processes outlives `ip netns del`, so end them first, by pid.
    for pid in $(ip netns pids "$nsn" 2>/dev/null); do
      kill -9 "$pid" 2>/dev/null || true
    done
    ip netns del "$nsn" 2>/dev/null || { log "cannot delete namespace $nsn"; rc=1; }
  done
  for v in $(our_veths); do
    ip link del "$v" 2>/dev/null || true
  done
  if link_exists "$br"; then
    ip link del "$br" 2>/dev/null || { log "cannot delete bridge $br"; rc=1; }
  fi
  # The guard route also protects other harnesses (e.g. prefix chk-b1-): keep it while any interface
  # still holds an address in the range.
  if guard_route_present; then
    if [[ -z $(ip -o -4 addr show to "$GUARD_NET" 2>/dev/null) ]]; then
      ip route del unreachable "$GUARD_NET" 2>/dev/null || { log "cannot delete route $GUARD_NET"; rc=1; }
    else
      log "keeping unreachable $GUARD_NET: still in use by $(ip -o -4 addr show to "$GUARD_NET" | awk '{print $2}' | tr '\n' ' ')"
    fi
  fi
  [[ -z $(our_namespaces) ]] || { log "namespaces left: $(our_namespaces | tr '\n' ' ')"; rc=1; }
  return $rc
}

cmd_check() {
  local n=${1:-0} i nsn bad=0
  guard_route_present || { log "MISSING: unreachable route $GUARD_NET in the root namespace"; bad=1; }
  ip -o -4 addr show dev "$(bridge)" 2>/dev/null | grep -q " ${SUBNET}.254/24 " \
    || { log "MISSING: ${SUBNET}.254/24 on $(bridge)"; bad=1; }
  if ip -o link show master "$(bridge)" 2>/dev/null | awk -F': ' '{print $2}' | sed 's/@.*//' \
      | grep -vE "^${PREFIX}v[0-9]+$" | grep -q .; then
    log "UNEXPECTED: a foreign port on $(bridge) (uplink?)"; bad=1
  fi
  for ((i = 1; i <= n; i++)); do
    nsn=$(ns "$i")
    ns_exists "$nsn" || { log "MISSING: namespace $nsn"; bad=1; continue; }
    if ip -n "$nsn" route show | grep -vE "^${SUBNET//./\\.}\.0/24 dev eth0 " | grep -q .; then
      log "UNEXPECTED route in $nsn: $(ip -n "$nsn" route show | tr '\n' ';')"; bad=1
    fi
    if ip -n "$nsn" -6 addr show 2>/dev/null | grep -q inet6; then
      log "UNEXPECTED: IPv6 address in $nsn"; bad=1
    fi
  done
  return $bad
}

cmd_cut() {
  check_node "$1"; link_exists "$(veth "$1")" || die "no host $1 (no $(veth "$1"))"
  ip link set "$(veth "$1")" down
}
cmd_heal() {
  check_node "$1"; link_exists "$(veth "$1")" || die "no host $1 (no $(veth "$1"))"
  ip link set "$(veth "$1")" up
}

cmd_status() {
  echo "bridge: $(ip -br addr show dev "$(bridge)" 2>/dev/null || echo none)"
  echo "guard:  $(ip route show type unreachable "$GUARD_NET" | head -1)"
  local nsn
  for nsn in $(our_namespaces); do
    echo "$nsn: $(ip -n "$nsn" -br -4 addr show dev eth0 2>/dev/null) link=$(ip -br link show dev "${PREFIX}v${nsn#"${PREFIX}"n}" 2>/dev/null | awk '{print $2}')"
  done
}

[[ $(id -u) -eq 0 ]] || die "must run as root"
command -v ip >/dev/null || die "iproute2 (ip) is missing"
check_subnet

action=${1:-}; shift || true
case $action in
  up)     PREFIX=${2:-chk-}; check_prefix; cmd_up "${1:-}" ;;
  down)   PREFIX=${1:-chk-}; check_prefix; cmd_down ;;
  cut)    PREFIX=${2:-chk-}; check_prefix; cmd_cut "${1:-}" ;;
  heal)   PREFIX=${2:-chk-}; check_prefix; cmd_heal "${1:-}" ;;
  check)  PREFIX=${2:-chk-}; check_prefix; cmd_check "${1:-0}" ;;
  status) PREFIX=${1:-chk-}; check_prefix; cmd_status ;;
  exec)
    node=${1:-}; shift || true
    PREFIX=chk-
    if [[ ${1:-} != -- && -n ${1:-} ]]; then PREFIX=$1; shift; fi
    [[ ${1:-} == -- ]] && shift
    check_prefix; check_node "$node"
    exec ip netns exec "$(ns "$node")" "$@" ;;
  *) sed -n '2,12p' "$0" >&2; exit 2 ;;
esac

#!/usr/bin/python3
"""An independent BitTorrent/DHT peer for test-swarm scenarios: libtorrent 2.0 (Debian python3-libtorrent).

Run it inside a test namespace, e.g.
  ip netns exec chk-n2 /usr/bin/python3 lt_peer.py --bind 198.18.1.2:6881 --bootstrap 198.18.1.1:6881 dht-node

Commands (results are JSON lines on stdout, diagnostics go to stderr):
  dht-node                              be a DHT node until SIGTERM; prints {"event":"ready",...}
  dht-get PUBKEYHEX [--salt HEX]        BEP 44 mutable get through libtorrent; prints
                                        {"found":true,"seq":N,"v":HEX,"sig":HEX,...}, v = bencoded value
  dht-put (--seed HEX | --sk HEX) (--str TEXT | --ih HEX | --bencoded HEX) [--salt HEX] [--seq N] [--cas N]
          [--engine krpc|lt]            BEP 44 mutable put. Default engine krpc: a small KRPC client here
                                        (get for tokens, then put; any bencoded value incl. the BEP 46 {ih}
                                        dict, explicit seq and cas; signed with the pure-Python Ed25519 below).
                                        --engine lt uses libtorrent's own put: byte strings only, seq = highest
                                        found + 1, and it leaves a departed node in the storers' routing tables
  keys --seed HEX                       print the public key and libtorrent's 64-byte expanded secret key
  make-torrent --file PATH --out FILE   v1-only .torrent for PATH
  download (--torrent FILE | --infohash HEX) [--peer IP:PORT ...] --save DIR
                                        download, re-check every piece (waits for torrent_checked_alert),
                                        exit 0 once seeding with no hash_failed_alert and 0 total_failed_bytes
  seed --torrent FILE --save DIR        check the data, print {"event":"seeding",...}, seed until SIGTERM

Session settings follow shared/notes/interop-peers.md: no LSD/UPnP/NAT-PMP, no default DHT routers,
no one-node-per-IP restrictions, DHT rate limits raised (never dht_upload_rate_limit=0: SIGFPE).
"""
import argparse
import hashlib
import json
import os
import signal
import socket
import sys
import time

import libtorrent as lt

# ----------------------------------------------------------------------------------------------
# bencode, with spans so that a value can be taken verbatim from a packet (BEP 44 signs bencode(v))


class Raw(bytes):
    """Already-bencoded bytes, written verbatim."""


def bencode(x):
    if isinstance(x, Raw):
        return bytes(x)
    if isinstance(x, bool):
        raise TypeError("bool is not bencodable")
    if isinstance(x, int):
        return b"i%de" % x
    if isinstance(x, str):
        x = x.encode()
    if isinstance(x, (bytes, bytearray)):
        return b"%d:%s" % (len(x), bytes(x))
    if isinstance(x, (list, tuple)):
        return b"l" + b"".join(bencode(i) for i in x) + b"e"
    if isinstance(x, dict):
        items = sorted(((k.encode() if isinstance(k, str) else k), v) for k, v in x.items())
        return b"d" + b"".join(bencode(k) + bencode(v) for k, v in items) + b"e"
    raise TypeError("cannot bencode %r" % type(x))


def bdecode(buf, i=0):
    """Returns (value, end). Each dict also maps b"__spans__" to {key: (start, end)} of its values in buf."""
    c = buf[i:i + 1]
    if c == b"i":
        j = buf.index(b"e", i)
        return int(buf[i + 1:j]), j + 1
    if c == b"l":
        out, i = [], i + 1
        while buf[i:i + 1] != b"e":
            v, i = bdecode(buf, i)
            out.append(v)
        return out, i + 1
    if c == b"d":
        out, i = {}, i + 1
        out[b"__spans__"] = {}
        while buf[i:i + 1] != b"e":
            k, i = bdecode(buf, i)
            start = i
            v, i = bdecode(buf, i)
            out[k] = v
            out[b"__spans__"][k] = (start, i)
        return out, i + 1
    if c.isdigit():
        j = buf.index(b":", i)
        n = int(buf[i:j])
        if j + 1 + n > len(buf):
            raise ValueError("truncated string")
        return buf[j + 1:j + 1 + n], j + 1 + n
    raise ValueError("bad bencode at %d" % i)


def bdecode_all(buf):
    v, end = bdecode(buf, 0)
    if end != len(buf):
        raise ValueError("trailing bytes")
    return v


# ----------------------------------------------------------------------------------------------
# Ed25519 (RFC 8032 reference arithmetic). libtorrent 2.0.8's binding exposes no ed25519 functions,
# and BEP 44 test vectors give the 64-byte expanded key, so we sign from that form.

_P = 2 ** 255 - 19
_L = 2 ** 252 + 27742317777372353535851937790883648493
_D = -121665 * pow(121666, _P - 2, _P) % _P
_I = pow(2, (_P - 1) // 4, _P)


def _inv(x):
    return pow(x, _P - 2, _P)


def _recover_x(y, sign):
    x2 = (y * y - 1) * _inv(_D * y * y + 1) % _P
    x = pow(x2, (_P + 3) // 8, _P)
    if (x * x - x2) % _P != 0:
        x = x * _I % _P
    if (x & 1) != sign:
        x = _P - x
    return x


_GY = 4 * _inv(5) % _P
_GX = _recover_x(_GY, 0)
_G = (_GX, _GY, 1, _GX * _GY % _P)


def _add(p, q):
    a = (p[1] - p[0]) * (q[1] - q[0]) % _P
    b = (p[1] + p[0]) * (q[1] + q[0]) % _P
    c = 2 * p[3] * q[3] * _D % _P
    d = 2 * p[2] * q[2] % _P
    e, f, g, h = b - a, d - c, d + c, b + a
    return (e * f % _P, g * h % _P, f * g % _P, e * h % _P)


def _mul(s, p):
    q = (0, 1, 1, 0)
    while s > 0:
        if s & 1:
            q = _add(q, p)
        p = _add(p, p)
        s >>= 1
    return q


def _compress(p):
    zi = _inv(p[2])
    x, y = p[0] * zi % _P, p[1] * zi % _P
    return (y | ((x & 1) << 255)).to_bytes(32, "little")


def expand_seed(seed):
    """32-byte seed -> libtorrent/ref10 64-byte expanded secret key (clamped scalar || prefix)."""
    h = bytearray(hashlib.sha512(seed).digest())
    h[0] &= 248
    h[31] &= 63
    h[31] |= 64
    return bytes(h)


def public_key(sk64):
    return _compress(_mul(int.from_bytes(sk64[:32], "little"), _G))


def sign(sk64, pk, msg):
    a = int.from_bytes(sk64[:32], "little")
    r = int.from_bytes(hashlib.sha512(sk64[32:] + msg).digest(), "little") % _L
    rb = _compress(_mul(r, _G))
    h = int.from_bytes(hashlib.sha512(rb + pk + msg).digest(), "little") % _L
    return rb + ((r + h * a) % _L).to_bytes(32, "little")


def _decompress(b):
    y = int.from_bytes(b, "little")
    sign_bit, y = y >> 255, y & ((1 << 255) - 1)
    x = _recover_x(y, sign_bit)
    return (x, y, 1, x * y % _P)


def verify(pk, msg, sig):
    """Checks [s]B == R + [h]A; used to prove that the v bytes taken from a packet are the signed ones."""
    if len(sig) != 64 or int.from_bytes(sig[32:], "little") >= _L:
        return False
    h = int.from_bytes(hashlib.sha512(sig[:32] + pk + msg).digest(), "little") % _L
    left = _compress(_mul(int.from_bytes(sig[32:], "little"), _G))
    return left == _compress(_add(_decompress(sig[:32]), _mul(h, _decompress(pk))))


def bep44_signed_part(salt, seq, v_bencoded):
    # BEP 44: the signature covers "4:salt<len>:<salt>" (only with a salt) "3:seqi<seq>e1:v<bencoded v>"
    out = b""
    if salt:
        out += b"4:salt%d:%s" % (len(salt), salt)
    return out + b"3:seqi%de1:v" % seq + v_bencoded


def bep44_target(pk, salt):
    return hashlib.sha1(pk + (salt or b"")).digest()


# ----------------------------------------------------------------------------------------------
# libtorrent session


def out(obj):
    print(json.dumps(obj, sort_keys=True), flush=True)


def err(msg):
    print("[lt_peer %.3f] %s" % (time.time(), msg), file=sys.stderr, flush=True)


def parse_endpoint(s):
    host, _, port = s.rpartition(":")
    if not host or not port.isdigit():
        raise argparse.ArgumentTypeError("expected IP:PORT, got %r" % s)
    return host, int(port)


def make_session(args, extra_alerts=0, one_shot=False):
    """one_shot: a short-lived command. BEP 43 read-only, so that the long-lived nodes never put it in their
    routing tables: a departed node there makes every later libtorrent traversal wait for its timeout (~15 s)."""
    ip, port = args.bind
    mask = (lt.alert_category.error | lt.alert_category.status | lt.alert_category.dht
            | lt.alert_category.dht_operation | lt.alert_category.storage | extra_alerts)
    settings = {
        "listen_interfaces": "%s:%d" % (ip, port),
        "outgoing_interfaces": ip,
        "enable_dht": True,
        "enable_lsd": False,
        "enable_upnp": False,
        "enable_natpmp": False,
        "dht_bootstrap_nodes": "",
        "dht_restrict_routing_ips": False,
        "dht_restrict_search_ips": False,
        "dht_ignore_dark_internet": False,
        "dht_prefer_verified_node_ids": False,
        "dht_enforce_node_id": False,
        "dht_block_ratelimit": 100000,
        "dht_block_timeout": 1,
        "dht_upload_rate_limit": 1000000,  # never 0: libtorrent 2.0.8 dies of SIGFPE
        "enable_incoming_utp": False,
        "enable_outgoing_utp": False,
        "allow_multiple_connections_per_ip": True,
        "alert_mask": mask,
        "dht_read_only": one_shot,
        "user_agent": "charkha-test-lt_peer",
    }
    ses = lt.session(settings)
    for node in args.bootstrap:
        ses.add_dht_node(node)
    return ses


def dht_node_count(ses, timeout=2.0):
    ses.post_dht_stats()
    deadline = time.time() + timeout
    while time.time() < deadline:
        ses.wait_for_alert(200)
        for a in ses.pop_alerts():
            if isinstance(a, lt.dht_stats_alert):
                return sum(b["num_nodes"] for b in a.routing_table)
    return 0


def readd_bootstrap(ses, args):
    # libtorrent does not retry a node that did not answer (e.g. started a moment later), and drops a
    # node whose id changed (BEP 42, once it learns its external address): ask again.
    for node in args.bootstrap:
        ses.add_dht_node(node)


def wait_for_nodes(ses, want, timeout, args=None):
    deadline = time.time() + timeout
    n = 0
    while time.time() < deadline:
        n = dht_node_count(ses)
        if n >= want:
            return n
        if args is not None:
            readd_bootstrap(ses, args)
        time.sleep(0.3)
    err("only %d DHT nodes after %.0fs (wanted %d)" % (n, timeout, want))
    return n


_stop = False


def _on_signal(signum, frame):
    global _stop
    _stop = True


signal.signal(signal.SIGTERM, _on_signal)
signal.signal(signal.SIGINT, _on_signal)

# ----------------------------------------------------------------------------------------------
# commands


def cmd_dht_node(args):
    ses = make_session(args)
    out({"event": "ready", "bind": "%s:%d" % args.bind})
    last = -1
    while not _stop:
        n = dht_node_count(ses, 1.0)
        if n != last:
            out({"event": "nodes", "count": n})
            last = n
        if n < len(args.bootstrap):
            readd_bootstrap(ses, args)
        time.sleep(1.0)
    out({"event": "stopped"})


def cmd_dht_get(args):
    pk = bytes.fromhex(args.pubkey)
    salt = bytes.fromhex(args.salt) if args.salt else b""
    if len(pk) != 32:
        sys.exit("dht-get: public key must be 32 bytes (64 hex digits)")
    # dht_pkt_alert (dht_log category) carries every raw KRPC packet: the binding's item dict raises
    # on non-string values, so the value bytes are taken verbatim from the matching get response.
    ses = make_session(args, lt.alert_category.dht_log, one_shot=True)
    wait_for_nodes(ses, args.wait_nodes, args.timeout / 2, args)
    t0 = time.time()
    ses.dht_get_mutable_item(pk, salt)
    responses = []  # (seq, sig, v-bencoded)
    result = None
    deadline = t0 + args.timeout
    while time.time() < deadline and result is None and not _stop:
        ses.wait_for_alert(200)
        for a in ses.pop_alerts():
            if isinstance(a, lt.dht_pkt_alert):
                try:
                    msg = bdecode_all(bytes(a.pkt_buf))
                except Exception:
                    continue
                r = msg.get(b"r")
                if msg.get(b"y") == b"r" and isinstance(r, dict) and b"v" in r and b"sig" in r:
                    s, e = r[b"__spans__"][b"v"]
                    responses.append((r.get(b"seq"), r[b"sig"], bytes(a.pkt_buf)[s:e]))
            elif args.verbose:
                err(a.message())
            if isinstance(a, lt.dht_mutable_item_alert) and (a.authoritative or args.first):
                result = a
    elapsed = time.time() - t0
    if result is None:
        out({"found": False, "error": "timeout", "seconds": round(elapsed, 3)})
        sys.exit(3)
    sig = bytes(result.signature)
    match = [v for (seq, s, v) in responses if s == sig and seq == result.seq]
    if not match:
        out({"found": False, "seconds": round(elapsed, 3)})
        sys.exit(4)
    v = match[0]
    try:  # for information: what the binding itself makes of the item
        binding_value = result.item.get("value")
        binding_note = "binding returned value"
    except RuntimeError as e:
        binding_value, binding_note = None, "binding raised: %s" % e
    # libtorrent verified the signature before posting the alert; re-verify our copy of v against it
    ok = verify(pk, bep44_signed_part(salt, result.seq, v), sig)
    out({"found": True, "seq": result.seq, "v": v.hex(), "sig": sig.hex(), "k": pk.hex(),
         "salt": salt.hex(), "v_text": _text(v), "seconds": round(elapsed, 3),
         "binding": binding_note, "binding_value": _text(binding_value) if isinstance(binding_value, (bytes, str)) else None,
         "verified_copy": ok})


def _text(b):
    if isinstance(b, str):
        return b
    try:
        return b.decode("ascii") if all(32 <= c < 127 for c in b) else None
    except Exception:
        return None


def cmd_keys(args):
    seed = bytes.fromhex(args.seed)
    if len(seed) != 32:
        sys.exit("keys: seed must be 32 bytes")
    sk = expand_seed(seed)
    out({"pk": public_key(sk).hex(), "sk64": sk.hex(), "seed": seed.hex()})


def _keys_from_args(args):
    if args.seed:
        seed = bytes.fromhex(args.seed)
        if len(seed) != 32:
            sys.exit("dht-put: --seed must be 32 bytes (64 hex digits)")
        sk = expand_seed(seed)
    else:
        sk = bytes.fromhex(args.sk)
        if len(sk) != 64:
            sys.exit("dht-put: --sk must be the 64-byte expanded key (128 hex digits)")
    return sk, public_key(sk)


def cmd_dht_put(args):
    sk, pk = _keys_from_args(args)
    salt = bytes.fromhex(args.salt) if args.salt else b""
    if args.str is not None:
        v = bencode(args.str.encode())
    elif args.ih:
        ih = bytes.fromhex(args.ih)
        if len(ih) != 20:
            sys.exit("dht-put: --ih must be 20 bytes (40 hex digits)")
        v = bencode({b"ih": ih})  # BEP 46
    else:
        v = bytes.fromhex(args.bencoded)
        bdecode_all(v)
    if len(v) > 1000:
        sys.exit("dht-put: BEP 44 values are at most 1000 bytes bencoded, got %d" % len(v))
    engine = args.engine
    if engine == "auto":
        # libtorrent 2.0.8 puts the putting node into the storing nodes' routing tables even with
        # dht_read_only; once this one-shot process exits, every later traversal waits ~15 s for it.
        # The KRPC client sends ro=1 on get and put and is not kept. Use --engine lt to test libtorrent's put.
        engine = "krpc"
    if engine == "lt":
        if args.str is None or args.seq is not None or args.cas is not None:
            sys.exit("dht-put: libtorrent's Python binding stores data as a byte string and picks seq itself;"
                     " use --engine krpc for dict values, --seq or --cas")
        _put_lt(args, sk, pk, salt)
    else:
        _put_krpc(args, sk, pk, salt, v)


def _put_lt(args, sk, pk, salt):
    ses = make_session(args, one_shot=True)
    wait_for_nodes(ses, args.wait_nodes, args.timeout / 2, args)
    t0 = time.time()
    ses.dht_put_mutable_item(sk, pk, args.str.encode(), salt)
    deadline = t0 + args.timeout
    while time.time() < deadline and not _stop:
        ses.wait_for_alert(200)
        for a in ses.pop_alerts():
            if isinstance(a, lt.dht_put_alert):
                # num_success counts the local node too (interop notes)
                out({"engine": "lt", "num_success": a.num_success, "seq": a.seq, "sig": bytes(a.signature).hex(),
                     "k": pk.hex(), "target": bep44_target(pk, salt).hex(), "seconds": round(time.time() - t0, 3)})
                sys.exit(0 if a.num_success > 0 else 5)
    out({"engine": "lt", "error": "timeout"})
    sys.exit(3)


def _put_krpc(args, sk, pk, salt, v):
    """Minimal BEP 44 client: iterative get for tokens, then put to the closest nodes. Read-only (BEP 43)
    so that libtorrent does not keep this short-lived socket in its routing table."""
    if not args.bootstrap:
        sys.exit("dht-put: --bootstrap is needed to find nodes")
    target = bep44_target(pk, salt)
    my_id = os.urandom(20)
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind((args.bind[0], 0))
    t0 = time.time()

    def query(addrs, q, make_a, wait):
        pending = {}
        for addr in addrs:
            tid = os.urandom(4)
            pending[tid] = addr
            msg = {b"t": tid, b"y": b"q", b"q": q, b"a": make_a(addr), b"ro": 1}
            sock.sendto(bencode(msg), addr)
        answers = {}
        deadline = time.time() + wait
        while pending and time.time() < deadline:
            sock.settimeout(max(0.01, deadline - time.time()))
            try:
                data, src = sock.recvfrom(65535)
            except socket.timeout:
                break
            try:
                msg = bdecode_all(data)
            except Exception:
                continue
            tid = msg.get(b"t")
            if tid in pending and pending[tid] == src:
                answers[src] = msg
                del pending[tid]
        return answers

    known = {a: None for a in args.bootstrap}  # addr -> node id
    tokens = {}
    best_seq = None
    queried = set()
    for _ in range(6):
        todo = [a for a in known if a not in queried]
        if not todo:
            break
        queried.update(todo)
        for addr, msg in query(todo, b"get", lambda a: {b"id": my_id, b"target": target}, 2.0).items():
            r = msg.get(b"r")
            if not isinstance(r, dict):
                continue
            known[addr] = r.get(b"id")
            if b"token" in r:
                tokens[addr] = r[b"token"]
            if isinstance(r.get(b"seq"), int):
                best_seq = r[b"seq"] if best_seq is None else max(best_seq, r[b"seq"])
            nodes = r.get(b"nodes", b"")
            for i in range(0, len(nodes) - len(nodes) % 26, 26):
                ip = socket.inet_ntoa(nodes[i + 20:i + 24])
                port = int.from_bytes(nodes[i + 24:i + 26], "big")
                known.setdefault((ip, port), nodes[i:i + 20])
    seq = args.seq if args.seq is not None else (best_seq + 1 if best_seq is not None else 1)
    sig = sign(sk, pk, bep44_signed_part(salt, seq, v))

    def dist(addr):
        nid = known.get(addr) or b"\xff" * 20
        return int.from_bytes(bytes(x ^ y for x, y in zip(nid, target)), "big")

    closest = sorted(tokens, key=dist)[:8]

    def put_args(addr):
        a = {b"id": my_id, b"token": tokens[addr], b"k": pk, b"seq": seq, b"sig": sig, b"v": Raw(v)}
        if salt:
            a[b"salt"] = salt
        if args.cas is not None:
            a[b"cas"] = args.cas
        return a

    answers = query(closest, b"put", put_args, 3.0)
    ok = [a for a, m in answers.items() if m.get(b"y") == b"r"]
    errors = [{"node": "%s:%d" % a, "error": [m[b"e"][0], _text(m[b"e"][1])]}
              for a, m in answers.items() if m.get(b"y") == b"e" and isinstance(m.get(b"e"), list)]
    out({"engine": "krpc", "num_success": len(ok), "errors": errors, "seq": seq, "sig": sig.hex(), "k": pk.hex(),
         "salt": salt.hex(), "v": v.hex(), "target": target.hex(), "nodes_seen": len(known),
         "tokens": len(tokens), "seconds": round(time.time() - t0, 3)})
    sys.exit(0 if ok else 5)


def cmd_make_torrent(args):
    fs = lt.file_storage()
    lt.add_files(fs, args.file)
    ct = lt.create_torrent(fs, args.piece_size, flags=lt.create_torrent.v1_only)
    lt.set_piece_hashes(ct, os.path.dirname(os.path.abspath(args.file)))
    data = lt.bencode(ct.generate())
    with open(args.out, "wb") as f:
        f.write(data)
    ti = lt.torrent_info(args.out)
    out({"infohash": str(ti.info_hashes().v1), "pieces": ti.num_pieces(), "bytes": ti.total_size()})


def _add_torrent(ses, args):
    atp = lt.add_torrent_params()
    if args.torrent:
        atp.ti = lt.torrent_info(args.torrent)
    else:
        atp.info_hashes = lt.info_hash_t(lt.sha1_hash(bytes.fromhex(args.infohash)))
    atp.save_path = args.save
    os.makedirs(args.save, exist_ok=True)
    return ses.add_torrent(atp)


class _TorrentAlerts:
    """Counts the alerts a download's verdict rests on: pieces that failed their hash check, and
    finished (re)checks of the data on disk."""

    def __init__(self, ses):
        self.ses = ses
        self.hash_failed = 0
        self.checked = 0

    def drain(self):
        for a in self.ses.pop_alerts():
            if isinstance(a, lt.hash_failed_alert):
                self.hash_failed += 1
                err("hash failed: piece %d" % a.piece_index)
            elif isinstance(a, lt.torrent_checked_alert):
                self.checked += 1


def _wait_seeding(h, timeout, peers=(), alerts=None):
    deadline = time.time() + timeout
    last_connect = 0
    while time.time() < deadline and not _stop:
        if alerts is not None:
            alerts.drain()
        st = h.status()
        if st.is_seeding and st.state == lt.torrent_status.seeding:
            return st
        if peers and time.time() - last_connect > 2:
            for p in peers:  # libtorrent does not retry a failed peer by itself soon enough
                h.connect_peer(p)
            last_connect = time.time()
        time.sleep(0.2)
    return None


def _wait_checked(alerts, before, timeout):
    """Waits for a torrent_checked_alert after the first `before` ones; True if it came."""
    deadline = time.time() + timeout
    while time.time() < deadline and not _stop:
        alerts.drain()
        if alerts.checked > before:
            return True
        alerts.ses.wait_for_alert(200)
    return False


def cmd_download(args):
    ses = make_session(args, one_shot=True)
    t0 = time.time()
    alerts = _TorrentAlerts(ses)
    h = _add_torrent(ses, args)
    st = _wait_seeding(h, args.timeout, args.peer, alerts)
    if st is None:
        s = h.status()
        out({"event": "failed", "state": str(s.state), "progress": s.progress, "peers": s.num_peers,
             "hash_failed_alerts": alerts.hash_failed, "total_failed_bytes": s.total_failed_bytes})
        sys.exit(3)
    got = time.time() - t0
    failed_bytes = st.total_failed_bytes  # bytes of pieces that failed their check while downloading
    # Re-check every piece from disk, independently of the checks done while downloading: the recheck
    # is over only at its torrent_checked_alert (the status may still say seeding before it starts).
    checks_before = alerts.checked
    h.force_recheck()
    rechecked = _wait_checked(alerts, checks_before, args.timeout)
    st = _wait_seeding(h, args.timeout, alerts=alerts) if rechecked else None
    alerts.drain()
    ti = h.torrent_file()
    pieces_ok = st is not None and all(st.pieces)
    ok = rechecked and pieces_ok and alerts.hash_failed == 0 and failed_bytes == 0
    out({"event": "seeding" if ok else "recheck-failed", "infohash": str(h.info_hashes().v1),
         "pieces": ti.num_pieces(), "pieces_ok_after_recheck": sum(1 for p in st.pieces if p) if st else 0,
         "bytes": ti.total_size(), "rechecked": rechecked, "hash_failed_alerts": alerts.hash_failed,
         "total_failed_bytes": failed_bytes, "download_seconds": round(got, 3),
         "seconds": round(time.time() - t0, 3)})
    sys.exit(0 if ok else 6)


def cmd_seed(args):
    ses = make_session(args)
    h = _add_torrent(ses, args)
    st = _wait_seeding(h, args.timeout)
    if st is None:
        s = h.status()
        out({"event": "failed", "state": str(s.state), "progress": s.progress})
        sys.exit(3)
    out({"event": "seeding", "infohash": str(h.info_hashes().v1), "bind": "%s:%d" % args.bind})
    while not _stop:
        time.sleep(0.5)
    out({"event": "stopped", "uploaded": h.status().total_upload})


def main(argv=None):
    p = argparse.ArgumentParser(prog="lt_peer.py", description=__doc__.split("\n")[0])
    p.add_argument("--bind", type=parse_endpoint, default=("127.0.0.1", 0), help="IP:PORT to listen on")
    p.add_argument("--bootstrap", type=parse_endpoint, action="append", default=[],
                   help="DHT node IP:PORT to add (repeatable)")
    p.add_argument("--timeout", type=float, default=30.0, help="seconds before a command gives up")
    p.add_argument("--verbose", action="store_true", help="log libtorrent alerts to stderr")
    p.add_argument("--wait-nodes", type=int, default=1, help="DHT nodes to wait for before get/put")
    sub = p.add_subparsers(dest="cmd", required=True)
    sub.add_parser("dht-node")
    g = sub.add_parser("dht-get")
    g.add_argument("pubkey")
    g.add_argument("--salt")
    g.add_argument("--first", action="store_true",
                   help="answer with the first verified item instead of waiting for the whole traversal")
    k = sub.add_parser("keys")
    k.add_argument("--seed", required=True)
    u = sub.add_parser("dht-put")
    key = u.add_mutually_exclusive_group(required=True)
    key.add_argument("--seed", help="32-byte Ed25519 seed, hex")
    key.add_argument("--sk", help="64-byte expanded secret key (libtorrent / BEP 44 test vector form), hex")
    val = u.add_mutually_exclusive_group(required=True)
    val.add_argument("--str", help="byte-string value")
    val.add_argument("--ih", help="BEP 46 value {ih: <20 bytes>}, infohash hex")
    val.add_argument("--bencoded", help="any bencoded value, hex")
    u.add_argument("--salt")
    u.add_argument("--seq", type=int)
    u.add_argument("--cas", type=int)
    u.add_argument("--engine", choices=["auto", "lt", "krpc"], default="auto")
    m = sub.add_parser("make-torrent")
    m.add_argument("--file", required=True)
    m.add_argument("--out", required=True)
    m.add_argument("--piece-size", type=int, default=16384)
    for name in ("download", "seed"):
        d = sub.add_parser(name)
        src = d.add_mutually_exclusive_group(required=True)
        src.add_argument("--torrent")
        if name == "download":
            src.add_argument("--infohash")
            d.add_argument("--peer", type=parse_endpoint, action="append", default=[])
        d.add_argument("--save", required=True)
    args = p.parse_args(argv)
    if args.cmd == "seed":
        args.infohash = None
        args.timeout = max(args.timeout, 60.0)
    {"dht-node": cmd_dht_node, "dht-get": cmd_dht_get, "keys": cmd_keys, "dht-put": cmd_dht_put,
     "make-torrent": cmd_make_torrent, "download": cmd_download, "seed": cmd_seed}[args.cmd](args)


if __name__ == "__main__":
    main()

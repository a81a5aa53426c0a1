#!/usr/bin/python3
"""libtorrent reference for the catch-up figure: one seeder, one fresh downloader, on loopback.

usage: lt_pair.py <file.torrent> <seed_save_path> <runs> <work_dir>

The seeder holds the data (seed mode, already checked). Each run a new downloader session adds the
torrent by infohash only, so it fetches the metadata by BEP 9 like a Charkha follower does, connects
to the seeder and downloads every piece. Prints one JSON line: {"seconds": [...], "bytes": N}, time
from add to torrent_finished. Settings follow shared/notes/interop-peers.md (no DHT/LSD/UPnP/uTP).
"""
import json
import shutil
import sys
import time
import os

import libtorrent as lt


def session():
    return lt.session({
        "listen_interfaces": "127.0.0.1:0",
        "enable_dht": False, "enable_lsd": False, "enable_upnp": False, "enable_natpmp": False,
        "enable_incoming_utp": False, "enable_outgoing_utp": False,
        "allow_multiple_connections_per_ip": True,
        "alert_mask": lt.alert.category_t.status_notification | lt.alert.category_t.error_notification,
    })


def wait_for(ses, cls, timeout):
    deadline = time.time() + timeout
    while time.time() < deadline:
        ses.wait_for_alert(100)
        for a in ses.pop_alerts():
            if isinstance(a, cls):
                return a
            if isinstance(a, (lt.torrent_error_alert, lt.file_error_alert)):
                raise SystemExit("libtorrent: " + a.message())
    raise SystemExit("libtorrent: timed out waiting for " + cls.__name__)


def main():
    torrent, seed_path, runs, work = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    ti = lt.torrent_info(torrent)
    seeder = session()
    atp = lt.add_torrent_params()
    atp.ti = ti
    atp.save_path = seed_path
    atp.flags |= lt.torrent_flags.seed_mode
    atp.flags &= ~lt.torrent_flags.auto_managed
    atp.flags &= ~lt.torrent_flags.paused
    seeder.add_torrent(atp)
    port = seeder.listen_port()
    seconds = []
    for r in range(runs):
        save = os.path.join(work, "lt-run-%d" % r)
        shutil.rmtree(save, ignore_errors=True)
        os.makedirs(save)
        d = session()
        p = lt.parse_magnet_uri("magnet:?xt=urn:btih:" + str(ti.info_hashes().v1))
        p.save_path = save
        p.flags &= ~lt.torrent_flags.auto_managed
        p.flags &= ~lt.torrent_flags.paused
        t0 = time.perf_counter()
        h = d.add_torrent(p)
        h.connect_peer(("127.0.0.1", port))
        wait_for(d, lt.torrent_finished_alert, 120)
        seconds.append(time.perf_counter() - t0)
        d.remove_torrent(h)
        del d
        shutil.rmtree(save, ignore_errors=True)
    print(json.dumps({"seconds": seconds, "bytes": ti.total_size(), "pieces": ti.num_pieces()}))


if __name__ == "__main__":
    main()

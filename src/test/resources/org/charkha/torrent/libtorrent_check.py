"""Hash-check a feed torrent with libtorrent, offline.

usage: libtorrent_check.py <file.torrent> <save_path>

Loads the .torrent, adds it with the segment files already in <save_path>, waits for libtorrent's
own piece check and prints one JSON object: the infohash libtorrent computed, the layout it read and
which pieces it has. No trackers, DHT, LSD, UPnP or NAT-PMP: it listens on loopback only and never
contacts the network.
"""
import json
import sys
import time

import libtorrent as lt


def main():
    torrent_path, save_path = sys.argv[1], sys.argv[2]
    session = lt.session({
        "listen_interfaces": "127.0.0.1:0",
        "enable_dht": False,
        "enable_lsd": False,
        "enable_upnp": False,
        "enable_natpmp": False,
        "alert_mask": lt.alert.category_t.status_notification | lt.alert.category_t.error_notification,
    })
    info = lt.torrent_info(torrent_path)
    params = lt.add_torrent_params()
    params.ti = info
    params.save_path = save_path
    params.flags &= ~lt.torrent_flags.auto_managed
    params.flags &= ~lt.torrent_flags.paused
    handle = session.add_torrent(params)
    handle.force_recheck()

    checked = False
    errors = []
    deadline = time.time() + 60
    while not checked and time.time() < deadline:
        session.wait_for_alert(500)
        for alert in session.pop_alerts():
            if isinstance(alert, lt.torrent_checked_alert):
                checked = True
            elif isinstance(alert, (lt.torrent_error_alert, lt.file_error_alert)):
                errors.append(alert.message())
    # a recheck may report "checked" once for the initial check; wait until no longer checking
    while time.time() < deadline and handle.status().state in (
            lt.torrent_status.checking_files, lt.torrent_status.checking_resume_data):
        time.sleep(0.05)

    status = handle.status()
    files = info.files()
    print(json.dumps({
        "checked": checked,
        "errors": errors,
        "infohash": str(info.info_hashes().v1),
        "name": info.name(),
        "piece_length": info.piece_length(),
        "num_pieces": info.num_pieces(),
        "files": [[files.file_path(i), files.file_size(i)] for i in range(files.num_files())],
        "have": [bool(b) for b in status.pieces],
        "is_seeding": status.is_seeding,
        "state": str(status.state),
    }))


if __name__ == "__main__":
    main()

// lt_put46: puts a BEP 46 item {ih: <20 bytes>} through libtorrent's own DHT put (test-swarm helper).
//
// libtorrent 2.0.8's Python binding can only put a byte string (and picks seq itself), so a BEP 46 put
// by libtorrent needs the C++ API: session::dht_put_item(public_key, callback, salt), whose callback
// fills in the value, seq and signature, as libtorrent's tools/dht_put.cpp does.
//
//   lt_put46 --bind IP:PORT --bootstrap IP:PORT [--bootstrap ...] --seed HEX32 --ih HEX20 --seq N
//            [--salt HEX] [--wait-nodes N] [--timeout SECONDS]
//
// Prints one JSON line on stdout: {"num_success":N,"seq":N,"target":HEX,"k":HEX,"sig":HEX,"v":HEX,...}
// (num_success as libtorrent's dht_put_alert reports it; it counts the local node too). Exit 0 if at
// least one other node stored the item, 3 on timeout, 5 if no other node stored it, 2 on bad arguments.
//
// Build: g++ -std=c++17 -O1 lt_put46.cpp $(pkg-config --cflags --libs libtorrent-rasterbar) -o lt_put46
// Session settings follow shared/notes/interop-peers.md (small private DHT, no public routers).
#include <libtorrent/alert_types.hpp>
#include <libtorrent/bencode.hpp>
#include <libtorrent/entry.hpp>
#include <libtorrent/hasher.hpp>
#include <libtorrent/kademlia/ed25519.hpp>
#include <libtorrent/kademlia/item.hpp>
#include <libtorrent/session.hpp>
#include <libtorrent/session_params.hpp>
#include <libtorrent/settings_pack.hpp>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <vector>

namespace lt = libtorrent;
using clk = std::chrono::steady_clock;

namespace {

[[noreturn]] void usage(std::string const& why) {
  std::cerr << "lt_put46: " << why << "\nusage: lt_put46 --bind IP:PORT --bootstrap IP:PORT [...] --seed HEX32"
            << " --ih HEX20 --seq N [--salt HEX] [--wait-nodes N] [--timeout SECONDS]\n";
  std::exit(2);
}

std::string unhex(std::string const& h, std::size_t want, char const* what) {
  if (h.size() % 2 != 0 || (want != 0 && h.size() != want * 2)) {
    usage(std::string(what) + " must be " + std::to_string(want) + " bytes of hex, got \"" + h + "\"");
  }
  std::string out;
  for (std::size_t i = 0; i < h.size(); i += 2) {
    char* end = nullptr;
    std::string byte = h.substr(i, 2);
    long v = std::strtol(byte.c_str(), &end, 16);
    if (end != byte.c_str() + 2) usage(std::string(what) + " is not hex: \"" + h + "\"");
    out.push_back(static_cast<char>(v));
  }
  return out;
}

std::string hex(char const* p, std::size_t n) {
  static char const digits[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < n; ++i) {
    out.push_back(digits[(static_cast<unsigned char>(p[i]) >> 4) & 0xf]);
    out.push_back(digits[static_cast<unsigned char>(p[i]) & 0xf]);
  }
  return out;
}

std::pair<std::string, int> endpoint(std::string const& s) {
  auto colon = s.rfind(':');
  if (colon == std::string::npos) usage("expected IP:PORT, got \"" + s + "\"");
  return {s.substr(0, colon), std::atoi(s.c_str() + colon + 1)};
}

int routing_table_nodes(lt::session& ses, clk::time_point deadline) {
  ses.post_dht_stats();
  while (clk::now() < deadline) {
    ses.wait_for_alert(std::chrono::milliseconds(200));
    std::vector<lt::alert*> alerts;
    ses.pop_alerts(&alerts);
    for (lt::alert* a : alerts) {
      if (auto* st = lt::alert_cast<lt::dht_stats_alert>(a)) {
        int n = 0;
        for (auto const& bucket : st->routing_table) n += bucket.num_nodes;
        return n;
      }
    }
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::string bind, seed_hex, ih_hex, salt_hex;
  std::vector<std::string> bootstrap;
  long long seq = -1;
  int wait_nodes = 1;
  double timeout = 30;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (i + 1 >= argc) usage("missing value after " + a);
    std::string v = argv[++i];
    if (a == "--bind") bind = v;
    else if (a == "--bootstrap") bootstrap.push_back(v);
    else if (a == "--seed") seed_hex = v;
    else if (a == "--ih") ih_hex = v;
    else if (a == "--seq") seq = std::atoll(v.c_str());
    else if (a == "--salt") salt_hex = v;
    else if (a == "--wait-nodes") wait_nodes = std::atoi(v.c_str());
    else if (a == "--timeout") timeout = std::atof(v.c_str());
    else usage("unknown option " + a);
  }
  if (bind.empty() || bootstrap.empty() || seed_hex.empty() || ih_hex.empty() || seq < 0) {
    usage("--bind, --bootstrap, --seed, --ih and --seq (>= 0) are required");
  }
  std::string seed_bytes = unhex(seed_hex, 32, "--seed");
  std::string ih = unhex(ih_hex, 20, "--ih");
  std::string salt = unhex(salt_hex, 0, "--salt");
  std::array<char, 32> seed;
  std::copy(seed_bytes.begin(), seed_bytes.end(), seed.begin());
  lt::dht::public_key pk;
  lt::dht::secret_key sk;
  std::tie(pk, sk) = lt::dht::ed25519_create_keypair(seed);

  auto ep = endpoint(bind);
  lt::settings_pack s;
  s.set_str(lt::settings_pack::listen_interfaces, bind);
  s.set_str(lt::settings_pack::outgoing_interfaces, ep.first);
  s.set_bool(lt::settings_pack::enable_dht, true);
  s.set_bool(lt::settings_pack::enable_lsd, false);
  s.set_bool(lt::settings_pack::enable_upnp, false);
  s.set_bool(lt::settings_pack::enable_natpmp, false);
  s.set_str(lt::settings_pack::dht_bootstrap_nodes, "");
  s.set_bool(lt::settings_pack::dht_restrict_routing_ips, false);
  s.set_bool(lt::settings_pack::dht_restrict_search_ips, false);
  s.set_bool(lt::settings_pack::dht_ignore_dark_internet, false);
  s.set_bool(lt::settings_pack::dht_prefer_verified_node_ids, false);
  s.set_bool(lt::settings_pack::dht_enforce_node_id, false);
  s.set_int(lt::settings_pack::dht_block_ratelimit, 100000);
  s.set_int(lt::settings_pack::dht_block_timeout, 1);
  s.set_int(lt::settings_pack::dht_upload_rate_limit, 1000000);  // never 0: SIGFPE in 2.0.8
  s.set_bool(lt::settings_pack::enable_incoming_utp, false);
  s.set_bool(lt::settings_pack::enable_outgoing_utp, false);
  // a one-shot process: read-only (BEP 43), so that the long-lived nodes are less likely to keep it
  s.set_bool(lt::settings_pack::dht_read_only, true);
  s.set_str(lt::settings_pack::user_agent, "charkha-test-lt_put46");
  s.set_int(lt::settings_pack::alert_mask, lt::alert_category::dht | lt::alert_category::error
      | lt::alert_category::dht_operation);
  lt::session ses{lt::session_params(s)};
  for (auto const& b : bootstrap) {
    auto node = endpoint(b);
    ses.add_dht_node({node.first, node.second});
  }

  auto t0 = clk::now();
  auto deadline = t0 + std::chrono::milliseconds(static_cast<long long>(timeout * 1000));
  int nodes = 0;
  while (clk::now() < deadline) {  // libtorrent does not retry a node that did not answer: re-add
    nodes = routing_table_nodes(ses, deadline);
    if (nodes >= wait_nodes) break;
    for (auto const& b : bootstrap) {
      auto node = endpoint(b);
      ses.add_dht_node({node.first, node.second});
    }
    ses.wait_for_alert(std::chrono::milliseconds(300));
  }
  if (nodes < wait_nodes) {
    std::cout << "{\"error\": \"only " << nodes << " DHT nodes, wanted " << wait_nodes << "\"}" << std::endl;
    return 3;
  }

  lt::entry value;
  value["ih"] = ih;  // BEP 46: {ih: <20-byte infohash>}
  std::vector<char> v_bytes;
  lt::bencode(std::back_inserter(v_bytes), value);
  auto put_started = clk::now();
  ses.dht_put_item(pk.bytes,
      [&](lt::entry& e, std::array<char, 64>& sig, std::int64_t& item_seq, std::string const& item_salt) {
        e = value;
        item_seq = seq;
        std::vector<char> buf;
        lt::bencode(std::back_inserter(buf), e);
        sig = lt::dht::sign_mutable_item(buf, item_salt, lt::dht::sequence_number(item_seq), pk, sk).bytes;
      },
      salt);

  while (clk::now() < deadline) {
    ses.wait_for_alert(std::chrono::milliseconds(200));
    std::vector<lt::alert*> alerts;
    ses.pop_alerts(&alerts);
    for (lt::alert* a : alerts) {
      auto* put = lt::alert_cast<lt::dht_put_alert>(a);
      if (put == nullptr) continue;
      // BEP 44 target of a mutable item: SHA-1(k || salt); dht_put_alert.target is zero for mutable items
      lt::hasher h(pk.bytes.data(), static_cast<int>(pk.bytes.size()));
      if (!salt.empty()) h.update(salt.data(), static_cast<int>(salt.size()));
      lt::sha1_hash target = h.final();
      double seconds = std::chrono::duration<double>(clk::now() - put_started).count();
      std::printf("{\"engine\": \"libtorrent-c++\", \"num_success\": %d, \"seq\": %lld, \"target\": \"%s\", "
                  "\"k\": \"%s\", \"sig\": \"%s\", \"salt\": \"%s\", \"v\": \"%s\", \"routing_nodes\": %d, "
                  "\"seconds\": %.3f}\n",
          put->num_success, static_cast<long long>(put->seq), hex(target.data(), 20).c_str(),
          hex(put->public_key.data(), 32).c_str(), hex(put->signature.data(), 64).c_str(),
          hex(put->salt.data(), put->salt.size()).c_str(), hex(v_bytes.data(), v_bytes.size()).c_str(), nodes,
          seconds);
      std::fflush(stdout);
      return put->num_success > 1 ? 0 : 5;  // num_success counts the local node too
    }
  }
  std::cout << "{\"error\": \"timeout waiting for dht_put_alert\"}" << std::endl;
  return 3;
}

// sr-lt.cpp: the extern "C" shim over libtorrent-rasterbar. The only C++ in
// Seedreel: kept to one translation unit because libtorrent's headers are
// heavy to compile. Every entry point catches every exception.

#include "sr-lt.h"

#include <libtorrent/add_torrent_params.hpp>
#include <libtorrent/alert_types.hpp>
#include <libtorrent/bdecode.hpp>
#include <libtorrent/bencode.hpp>
#include <libtorrent/create_torrent.hpp>
#include <libtorrent/extensions.hpp>
#include <libtorrent/peer_connection_handle.hpp>
#include <libtorrent/hex.hpp>
#include <libtorrent/magnet_uri.hpp>
#include <libtorrent/peer_info.hpp>
#include <libtorrent/read_resume_data.hpp>
#include <libtorrent/session.hpp>
#include <libtorrent/session_params.hpp>
#include <libtorrent/torrent_handle.hpp>
#include <libtorrent/torrent_info.hpp>
#include <libtorrent/torrent_status.hpp>
#include <libtorrent/write_resume_data.hpp>

#include <boost/asio/post.hpp>

#include <atomic>
#include <cerrno>
#include <deque>
#include <map>
#include <memory>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <functional>
#include <cctype>
#include <mutex>
#include <string>
#include <vector>

namespace lt = libtorrent;

namespace {

// ---- The Seedreel peer extension ----
// libtorrent runs plugins on its network thread. They only move bytes: an
// incoming handshake or message is copied into a queue and the session's
// alert notify is poked, so the C side parses it on the main thread along
// with the other alerts. Sending goes the other way through a post() onto
// the network thread.

constexpr const char *ext_name = "seedreel";
// Our local id for the message: distinct from libtorrent's own (1–8).
constexpr int ext_local_id = 42;
// A peer flooding us must not grow memory without bound.
constexpr size_t ext_queue_max = 4096;

struct ext_event {
  SrLtAlertType type;
  uint32_t torrent_id;
  uint64_t peer_id;
  std::string address;
  std::string data;
};

struct ext_peer;

struct ext_state {
  std::mutex mutex;
  std::deque<ext_event> queue;
  std::map<uint64_t, std::weak_ptr<ext_peer>> peers;
  std::map<uint32_t, std::string> handshakes;   // torrent id → "sr" blob
  SrLtNotifyFunc notify = nullptr;
  void *notify_data = nullptr;
  std::atomic<uint64_t> next_peer_id{ 1 };

  void push (ext_event &&e)
  {
    SrLtNotifyFunc func;
    void *data;
    {
      std::lock_guard<std::mutex> lock (mutex);
      if (queue.size () >= ext_queue_max && e.type != SR_LT_ALERT_EXTENSION_CLOSED)
        return;
      queue.push_back (std::move (e));
      func = notify;
      data = notify_data;
    }
    if (func != nullptr)
      func (data);
  }
};

struct ext_peer final : lt::peer_plugin, std::enable_shared_from_this<ext_peer> {
  std::shared_ptr<ext_state> state;
  lt::peer_connection_handle pc;
  uint32_t torrent_id;
  uint64_t id;
  std::string address;
  int remote_id = 0;     // the peer's id for our message, 0 until its handshake

  ext_peer (std::shared_ptr<ext_state> s, lt::peer_connection_handle const &p, uint32_t tid)
    : state (std::move (s)), pc (p), torrent_id (tid), id (state->next_peer_id++)
  {
    try
      {
        auto ep = pc.remote ();
        address = ep.address ().is_v6 () ? "[" + ep.address ().to_string () + "]" : ep.address ().to_string ();
        address += ":" + std::to_string (ep.port ());
      }
    catch (...) {}
  }

  lt::string_view type () const override { return ext_name; }

  void add_handshake (lt::entry &h) override
  {
    h["m"][ext_name] = ext_local_id;
    std::lock_guard<std::mutex> lock (state->mutex);
    auto it = state->handshakes.find (torrent_id);
    if (it != state->handshakes.end () && !it->second.empty ())
      h["sr"] = it->second;
  }

  bool on_extension_handshake (lt::bdecode_node const &h) override
  {
    if (h.type () != lt::bdecode_node::dict_t)
      return false;
    lt::bdecode_node m = h.dict_find_dict ("m");
    if (!m)
      return false;
    std::int64_t rid = m.dict_find_int_value (ext_name, 0);
    if (rid <= 0 || rid > 255)
      return false;   // the peer does not speak Seedreel: drop this plugin only
    bool first = remote_id == 0;
    remote_id = static_cast<int> (rid);
    std::string blob;
    lt::bdecode_node sr = h.dict_find_string ("sr");
    if (sr && sr.string_length () <= static_cast<int> (SR_LT_EXTENSION_MAX_PAYLOAD))
      blob = std::string (sr.string_value ());
    if (first)
      {
        std::lock_guard<std::mutex> lock (state->mutex);
        state->peers[id] = weak_from_this ();
      }
    state->push ({ SR_LT_ALERT_EXTENSION_HANDSHAKE, torrent_id, id, address, std::move (blob) });
    return true;
  }

  bool on_extended (int length, int msg, lt::span<char const> body) override
  {
    if (msg != ext_local_id)
      return false;
    if (length > static_cast<int> (SR_LT_EXTENSION_MAX_PAYLOAD))
      return true;    // oversized: ignored, the peer is not worth a disconnect
    if (static_cast<int> (body.size ()) < length)
      return true;    // libtorrent calls again once the whole message is in
    if (remote_id == 0)
      return true;
    state->push ({ SR_LT_ALERT_EXTENSION_MESSAGE, torrent_id, id, address,
                   std::string (body.data (), static_cast<size_t> (body.size ())) });
    return true;
  }

  void on_disconnect (lt::error_code const &) override
  {
    if (remote_id == 0)
      return;
    remote_id = 0;
    {
      std::lock_guard<std::mutex> lock (state->mutex);
      state->peers.erase (id);
    }
    state->push ({ SR_LT_ALERT_EXTENSION_CLOSED, torrent_id, id, address, {} });
  }

  // Network thread only.
  void send (std::string const &payload)
  {
    if (remote_id == 0 || pc.is_disconnecting ())
      return;
    char header[6];
    uint32_t len = static_cast<uint32_t> (payload.size () + 2);
    header[0] = static_cast<char> (len >> 24);
    header[1] = static_cast<char> (len >> 16);
    header[2] = static_cast<char> (len >> 8);
    header[3] = static_cast<char> (len);
    header[4] = 20;   // BEP 10 extended message
    header[5] = static_cast<char> (remote_id);
    std::string buf (header, sizeof header);
    buf += payload;
    pc.send_buffer (buf.data (), static_cast<int> (buf.size ()));
  }
};

struct ext_torrent final : lt::torrent_plugin {
  std::shared_ptr<ext_state> state;
  uint32_t torrent_id;

  ext_torrent (std::shared_ptr<ext_state> s, uint32_t tid) : state (std::move (s)), torrent_id (tid) {}

  std::shared_ptr<lt::peer_plugin> new_connection (lt::peer_connection_handle const &pc) override
  {
    if (pc.type () != lt::connection_type::bittorrent)
      return nullptr;
    return std::make_shared<ext_peer> (state, pc, torrent_id);
  }
};

struct ext_plugin final : lt::plugin {
  std::shared_ptr<ext_state> state;

  explicit ext_plugin (std::shared_ptr<ext_state> s) : state (std::move (s)) {}

  std::shared_ptr<lt::torrent_plugin> new_torrent (lt::torrent_handle const &th, lt::client_data_t) override
  {
    return std::make_shared<ext_torrent> (state, th.id ());
  }
};

} // namespace

struct SrLtSession {
  lt::session *ses;
  std::shared_ptr<ext_state> ext;
};

struct SrLtTorrent {
  lt::torrent_handle h;
};

struct SrLtInfo {
  lt::add_torrent_params atp;
};

namespace {

struct unsafe_path : std::exception {
  std::string what_;
  explicit unsafe_path (std::string w) : what_ (std::move (w)) {}
  const char *what () const noexcept override { return what_.c_str (); }
};

struct cancelled : std::exception {
  const char *what () const noexcept override { return "cancelled"; }
};

void
set_error (SrLtError *error, int code, const char *message)
{
  if (error == nullptr)
    return;
  error->code = code;
  std::snprintf (error->message, sizeof error->message, "%s", message);
}

void
clear_error (SrLtError *error)
{
  if (error != nullptr)
    {
      error->code = SR_LT_OK;
      error->message[0] = '\0';
    }
}

int
code_for (lt::error_code const &ec)
{
  if (ec.category () == lt::bdecode_category ())
    return SR_LT_ERR_INVALID;
  if (ec == lt::errors::duplicate_torrent)
    return SR_LT_ERR_DUPLICATE;
  if (ec.category () == lt::libtorrent_category ())
    {
      switch (ec.value ())
        {
        case lt::errors::unsupported_url_protocol:
        case lt::errors::missing_info_hash_in_uri:
        case lt::errors::invalid_info_hash:
        case lt::errors::torrent_missing_info:
        case lt::errors::torrent_missing_piece_length:
        case lt::errors::torrent_missing_name:
        case lt::errors::torrent_invalid_name:
        case lt::errors::torrent_invalid_length:
        case lt::errors::torrent_file_parse_failed:
        case lt::errors::torrent_missing_pieces:
        case lt::errors::torrent_invalid_hashes:
        case lt::errors::torrent_is_no_dict:
        case lt::errors::torrent_info_no_dict:
        case lt::errors::invalid_piece_size:
        case lt::errors::invalid_escaped_string:
        case lt::errors::torrent_invalid_piece_layer:
        case lt::errors::torrent_missing_pieces_root:
        case lt::errors::torrent_inconsistent_files:
        case lt::errors::torrent_unknown_version:
        case lt::errors::too_many_pieces_in_torrent:
        case lt::errors::invalid_file_tag:
          return SR_LT_ERR_INVALID;
        default:
          break;
        }
    }
  if (ec.category () == lt::system_category () || ec.category () == lt::generic_category ())
    return SR_LT_ERR_IO;
  return SR_LT_ERR_FAILED;
}

void
set_error_ec (SrLtError *error, lt::error_code const &ec)
{
  set_error (error, code_for (ec), ec.message ().c_str ());
}

// Runs f, turning any exception into an SrLtError. Returns false on failure.
template <typename F>
bool
guarded (SrLtError *error, F &&f)
{
  clear_error (error);
  try
    {
      f ();
      return true;
    }
  catch (lt::system_error const &e)
    {
      set_error_ec (error, e.code ());
    }
  catch (unsafe_path const &e)
    {
      set_error (error, SR_LT_ERR_UNSAFE_PATH, e.what ());
    }
  catch (cancelled const &)
    {
      set_error (error, SR_LT_ERR_CANCELLED, "cancelled");
    }
  catch (std::invalid_argument const &e)
    {
      set_error (error, SR_LT_ERR_INVALID, e.what ());
    }
  catch (std::bad_alloc const &)
    {
      set_error (error, SR_LT_ERR_FAILED, "out of memory");
    }
  catch (std::exception const &e)
    {
      set_error (error, SR_LT_ERR_FAILED, e.what ());
    }
  catch (...)
    {
      set_error (error, SR_LT_ERR_FAILED, "unknown error");
    }
  return false;
}

// For calls that cannot report an error: swallow everything.
template <typename F>
void
quiet (F &&f) noexcept
{
  try { f (); } catch (...) {}
}

char *
dup_string (std::string const &s)
{
  char *r = static_cast<char *> (std::malloc (s.size () + 1));
  if (r != nullptr)
    std::memcpy (r, s.c_str (), s.size () + 1);
  return r;
}

lt::settings_pack
make_pack (SrLtSettings const *s)
{
  lt::settings_pack p;
  p.set_int (lt::settings_pack::alert_mask,
             lt::alert_category::error | lt::alert_category::status
             | lt::alert_category::storage | lt::alert_category::piece_progress
             | lt::alert_category::file_progress);
  if (s->listen_interfaces != nullptr)
    p.set_str (lt::settings_pack::listen_interfaces, s->listen_interfaces);
  p.set_str (lt::settings_pack::outgoing_interfaces,
             s->outgoing_interfaces ? s->outgoing_interfaces : "");
  p.set_bool (lt::settings_pack::enable_dht, s->enable_dht);
  p.set_bool (lt::settings_pack::enable_lsd, s->enable_lsd);
  p.set_bool (lt::settings_pack::enable_upnp, s->enable_upnp);
  p.set_bool (lt::settings_pack::enable_natpmp, s->enable_natpmp);
  p.set_bool (lt::settings_pack::enable_outgoing_utp, s->enable_utp);
  p.set_bool (lt::settings_pack::enable_incoming_utp, s->enable_utp);
  p.set_bool (lt::settings_pack::allow_multiple_connections_per_ip,
              s->allow_multiple_connections_per_ip);
  if (s->tick_interval_ms > 0)
    p.set_int (lt::settings_pack::tick_interval, s->tick_interval_ms);
  p.set_int (lt::settings_pack::download_rate_limit, s->download_rate_limit);
  p.set_int (lt::settings_pack::upload_rate_limit, s->upload_rate_limit);
  if (s->connections_limit > 0)
    p.set_int (lt::settings_pack::connections_limit, s->connections_limit);
  if (s->min_reconnect_time_s > 0)
    p.set_int (lt::settings_pack::min_reconnect_time, s->min_reconnect_time_s);
  // Streaming: request only what can arrive within a second, so deadline
  // pieces are not queued behind a long backlog.
  p.set_int (lt::settings_pack::request_queue_time, 1);
  // A viewer that finished still owes its seeders their last receipts (and
  // may serve keys): keep connections between two seeds open.
  p.set_bool (lt::settings_pack::close_redundant_connections, false);
  p.set_str (lt::settings_pack::user_agent, "Seedreel/0.1");
  p.set_str (lt::settings_pack::peer_fingerprint, lt::generate_fingerprint ("SR", 0, 1));
  return p;
}

// Device names that Windows and FAT/exFAT drives refuse, with or without an
// extension: a download copied there would fail or hit the device instead.
bool
is_reserved_name (lt::string_view e)
{
  static const char *const reserved[] = { "con", "prn", "aux", "nul" };
  std::string stem (e.substr (0, e.find ('.')));

  for (auto &c : stem)
    c = static_cast<char> (std::tolower (static_cast<unsigned char> (c)));
  for (const char *r : reserved)
    if (stem == r)
      return true;
  return stem.size () == 4 && (stem.compare (0, 3, "com") == 0 || stem.compare (0, 3, "lpt") == 0)
         && stem[3] >= '1' && stem[3] <= '9';
}

void
check_path_element (lt::string_view e)
{
  if (e == "." || e == "..")
    throw unsafe_path ("a file name in the torrent refers to a parent folder (“..”)");
  for (char c : e)
    {
      if (c == '/' || c == '\\')
        throw unsafe_path ("a file name in the torrent contains a path separator");
      if (c == '\0')
        throw unsafe_path ("a file name in the torrent contains a NUL byte");
    }
  if (is_reserved_name (e))
    throw unsafe_path ("a file name in the torrent is a reserved device name (such as CON or NUL)");
}

void
check_file_tree (lt::bdecode_node const &tree, int depth)
{
  if (tree.type () != lt::bdecode_node::dict_t || depth > 100)
    return;
  for (int i = 0; i < tree.dict_size (); i++)
    {
      auto kv = tree.dict_at (i);
      if (kv.first.empty ())
        continue;  // a file's leaf entry
      check_path_element (kv.first);
      check_file_tree (kv.second, depth + 1);
    }
}

// libtorrent sanitises names on its own; we refuse such torrents outright
// so that a hostile name is an error the user sees, not a renamed file.
void
check_paths (const char *data, size_t len)
{
  lt::error_code ec;
  lt::bdecode_node root = lt::bdecode ({ data, static_cast<std::ptrdiff_t> (len) }, ec);
  if (ec)
    throw lt::system_error (ec);
  lt::bdecode_node info = root.dict_find_dict ("info");
  if (!info)
    return;
  lt::string_view name = info.dict_find_string_value ("name");
  if (!name.empty ())
    check_path_element (name);
  lt::bdecode_node files = info.dict_find_list ("files");
  for (int i = 0; files && i < files.list_size (); i++)
    {
      lt::bdecode_node path = files.list_at (i).dict_find_list ("path");
      for (int j = 0; path && j < path.list_size (); j++)
        check_path_element (path.list_string_value_at (j));
    }
  check_file_tree (info.dict_find_dict ("file tree"), 0);
}

std::shared_ptr<const lt::torrent_info>
parse_torrent (const uint8_t *data, size_t len)
{
  if (data == nullptr || len == 0)
    throw lt::system_error (lt::errors::torrent_file_parse_failed);
  auto p = reinterpret_cast<const char *> (data);
  check_paths (p, len);
  lt::error_code ec;
  auto ti = std::make_shared<lt::torrent_info> (lt::span<char const> (p, static_cast<std::ptrdiff_t> (len)), ec, lt::from_span);
  if (ec)
    throw lt::system_error (ec);
  return ti;
}

std::string
hash_hex (lt::info_hash_t const &ih)
{
  if (ih.has_v1 ())
    return lt::aux::to_hex (ih.v1);
  return lt::aux::to_hex (ih.v2);
}

lt::tcp::endpoint
parse_endpoint (std::string const &s)
{
  auto colon = s.rfind (':');
  if (colon == std::string::npos || colon == 0)
    throw std::invalid_argument ("a peer address must look like 127.0.0.1:6881");
  std::string host = s.substr (0, colon);
  if (host.size () > 2 && host.front () == '[' && host.back () == ']')
    host = host.substr (1, host.size () - 2);
  int port = std::atoi (s.c_str () + colon + 1);
  if (port <= 0 || port > 65535)
    throw std::invalid_argument ("a peer port must be between 1 and 65535");
  lt::error_code ec;
  auto addr = lt::make_address (host, ec);
  if (ec)
    throw std::invalid_argument ("a peer address must be a numeric IP address");
  return lt::tcp::endpoint (addr, static_cast<unsigned short> (port));
}

void
fill_file (lt::file_storage const &fs, int index, SrLtFile *file)
{
  lt::file_index_t i (index);
  file->path = dup_string (fs.file_path (i));
  file->size = fs.file_size (i);
  file->offset = fs.file_offset (i);
  file->pad = fs.pad_file_at (i);
}

} // namespace

extern "C" {

/* ---- session ---- */

SrLtSession *
sr_lt_session_new (const SrLtSettings *settings, SrLtError *error)
{
  SrLtSession *s = nullptr;
  guarded (error, [&] {
    lt::session_params params (make_pack (settings));
    auto ext = std::make_shared<ext_state> ();
    params.extensions.push_back (std::make_shared<ext_plugin> (ext));
    auto ses = new lt::session (std::move (params));
    s = new SrLtSession{ ses, ext };
  });
  return s;
}

void
sr_lt_session_free (SrLtSession *session)
{
  if (session == nullptr)
    return;
  quiet ([&] {
    session->ses->set_alert_notify ([] {});
    delete session->ses;
  });
  delete session;
}

bool
sr_lt_session_apply_settings (SrLtSession *session, const SrLtSettings *settings, SrLtError *error)
{
  return guarded (error, [&] { session->ses->apply_settings (make_pack (settings)); });
}

void
sr_lt_session_set_notify (SrLtSession *session, SrLtNotifyFunc func, void *user_data)
{
  {
    std::lock_guard<std::mutex> lock (session->ext->mutex);
    session->ext->notify = func;
    session->ext->notify_data = user_data;
  }
  quiet ([&] {
    if (func == nullptr)
      session->ses->set_alert_notify ([] {});
    else
      session->ses->set_alert_notify ([func, user_data] { func (user_data); });
  });
}

void
sr_lt_session_pop_alerts (SrLtSession *session, SrLtAlertFunc func, void *user_data)
{
  std::vector<lt::alert *> alerts;
  quiet ([&] { session->ses->pop_alerts (&alerts); });
  for (lt::alert *a : alerts)
    {
      quiet ([&] {
        SrLtAlert c{};
        std::string message = a->message ();
        std::string file;
        std::vector<char> buf;
        c.message = message.c_str ();
        if (auto ta = dynamic_cast<lt::torrent_alert *> (a))
          c.torrent_id = ta->handle.id ();
        auto set_ec = [&] (lt::error_code const &ec) {
          c.error_code = ec.value () != 0 ? ec.value () : 1;
          c.disk_full = (ec.category () == lt::system_category () || ec.category () == lt::generic_category ())
                        && (ec.value () == ENOSPC || ec.value () == EDQUOT);
        };
        switch (a->type ())
          {
          case lt::listen_succeeded_alert::alert_type:
            c.type = SR_LT_ALERT_LISTEN_SUCCEEDED;
            c.port = static_cast<lt::listen_succeeded_alert *> (a)->port;
            break;
          case lt::listen_failed_alert::alert_type:
            c.type = SR_LT_ALERT_LISTEN_FAILED;
            set_ec (static_cast<lt::listen_failed_alert *> (a)->error);
            break;
          case lt::metadata_received_alert::alert_type:
            c.type = SR_LT_ALERT_METADATA_RECEIVED;
            break;
          case lt::piece_finished_alert::alert_type:
            c.type = SR_LT_ALERT_PIECE_FINISHED;
            c.piece = static_cast<int> (static_cast<lt::piece_finished_alert *> (a)->piece_index);
            break;
          case lt::hash_failed_alert::alert_type:
            c.type = SR_LT_ALERT_HASH_FAILED;
            c.piece = static_cast<int> (static_cast<lt::hash_failed_alert *> (a)->piece_index);
            break;
          case lt::state_changed_alert::alert_type:
            c.type = SR_LT_ALERT_STATE_CHANGED;
            c.state = static_cast<lt::state_changed_alert *> (a)->state;
            c.prev_state = static_cast<lt::state_changed_alert *> (a)->prev_state;
            break;
          case lt::torrent_finished_alert::alert_type:
            c.type = SR_LT_ALERT_TORRENT_FINISHED;
            break;
          case lt::torrent_checked_alert::alert_type:
            c.type = SR_LT_ALERT_TORRENT_CHECKED;
            break;
          case lt::torrent_paused_alert::alert_type:
            c.type = SR_LT_ALERT_TORRENT_PAUSED;
            break;
          case lt::torrent_resumed_alert::alert_type:
            c.type = SR_LT_ALERT_TORRENT_RESUMED;
            break;
          case lt::file_error_alert::alert_type:
            {
              auto fa = static_cast<lt::file_error_alert *> (a);
              c.type = SR_LT_ALERT_FILE_ERROR;
              set_ec (fa->error);
              file = fa->filename ();
              c.file = file.c_str ();
              break;
            }
          case lt::torrent_error_alert::alert_type:
            {
              auto ea = static_cast<lt::torrent_error_alert *> (a);
              c.type = SR_LT_ALERT_TORRENT_ERROR;
              set_ec (ea->error);
              file = ea->filename ();
              c.file = file.c_str ();
              break;
            }
          case lt::save_resume_data_alert::alert_type:
            {
              auto ra = static_cast<lt::save_resume_data_alert *> (a);
              c.type = SR_LT_ALERT_SAVE_RESUME_DATA;
              buf = lt::write_resume_data_buf (ra->params);
              c.data = reinterpret_cast<const uint8_t *> (buf.data ());
              c.data_len = buf.size ();
              break;
            }
          case lt::save_resume_data_failed_alert::alert_type:
            c.type = SR_LT_ALERT_SAVE_RESUME_DATA_FAILED;
            set_ec (static_cast<lt::save_resume_data_failed_alert *> (a)->error);
            break;
          default:
            c.type = SR_LT_ALERT_OTHER;
            break;
          }
        func (&c, user_data);
      });
    }

  std::deque<ext_event> events;
  {
    std::lock_guard<std::mutex> lock (session->ext->mutex);
    events.swap (session->ext->queue);
  }
  for (auto const &e : events)
    quiet ([&] {
      SrLtAlert c{};
      c.type = e.type;
      c.torrent_id = e.torrent_id;
      c.peer_id = e.peer_id;
      c.peer_address = e.address.c_str ();
      c.message = "";
      c.data = reinterpret_cast<const uint8_t *> (e.data.data ());
      c.data_len = e.data.size ();
      func (&c, user_data);
    });
}

bool
sr_lt_session_send_extension (SrLtSession *session, uint64_t peer_id, const uint8_t *data, size_t len)
{
  bool known = false;
  quiet ([&] {
    if (len > SR_LT_EXTENSION_MAX_PAYLOAD)
      return;
    auto ext = session->ext;
    {
      std::lock_guard<std::mutex> lock (ext->mutex);
      auto it = ext->peers.find (peer_id);
      known = it != ext->peers.end () && !it->second.expired ();
    }
    if (!known)
      return;
    std::string payload (reinterpret_cast<const char *> (data), len);
    boost::asio::post (session->ses->get_context (), [ext, peer_id, payload] {
      try
        {
          std::shared_ptr<ext_peer> peer;
          {
            std::lock_guard<std::mutex> lock (ext->mutex);
            auto it = ext->peers.find (peer_id);
            if (it != ext->peers.end ())
              peer = it->second.lock ();
          }
          if (peer)
            peer->send (payload);
        }
      catch (...) {}
    });
  });
  return known;
}

int
sr_lt_session_listen_port (SrLtSession *session)
{
  int port = 0;
  quiet ([&] { port = session->ses->listen_port (); });
  return port;
}

void
sr_lt_session_pause (SrLtSession *session)
{
  quiet ([&] { session->ses->pause (); });
}

SrLtTorrent *
sr_lt_session_add (SrLtSession *session, const SrLtAddParams *p, SrLtError *error)
{
  SrLtTorrent *t = nullptr;
  guarded (error, [&] {
    lt::add_torrent_params atp;
    lt::error_code ec;
    if (p->resume_data != nullptr)
      {
        atp = lt::read_resume_data ({ reinterpret_cast<const char *> (p->resume_data),
                                      static_cast<std::ptrdiff_t> (p->resume_len) }, ec);
        if (ec)
          throw lt::system_error (ec);
        if (atp.ti)
          {
            // The resume file is ours, but check the names all the same.
            auto const &fs = atp.ti->files ();
            for (auto i : fs.file_range ())
              {
                std::string path = fs.file_path (i);
                if (path.empty () || path[0] == '/' || path.find ("..") != std::string::npos)
                  throw unsafe_path ("a file name in the resume data leaves the download folder");
              }
          }
      }
    else if (p->torrent_data != nullptr)
      atp.ti = std::const_pointer_cast<lt::torrent_info> (parse_torrent (p->torrent_data, p->torrent_len));
    else if (p->magnet != nullptr)
      {
        lt::parse_magnet_uri (p->magnet, atp, ec);
        if (ec)
          throw lt::system_error (ec);
      }
    else if (p->info_hash_v1 != nullptr)
      {
        lt::sha1_hash h;
        std::memcpy (h.data (), p->info_hash_v1, 20);
        atp.info_hashes = lt::info_hash_t (h);
      }
    else
      throw std::invalid_argument ("nothing to add");

    if (p->save_path != nullptr)
      atp.save_path = p->save_path;
    for (auto peer = p->peers; peer != nullptr && *peer != nullptr; peer++)
      atp.peers.push_back (parse_endpoint (*peer));
    if (p->seed_mode)
      atp.flags |= lt::torrent_flags::seed_mode;
    if (p->sequential)
      atp.flags |= lt::torrent_flags::sequential_download;
    // Cut to the real number of files when the metadata is known.
    if (p->skip_files)
      atp.file_priorities.assign (SR_LT_MAX_SKIPPED_FILES, lt::dont_download);
    // We manage our own queue; libtorrent's auto-management would pause
    // torrents behind our back, and its default flags add them paused.
    atp.flags &= ~lt::torrent_flags::auto_managed;
    if (p->paused)
      atp.flags |= lt::torrent_flags::paused;
    else
      atp.flags &= ~lt::torrent_flags::paused;
    atp.flags |= lt::torrent_flags::duplicate_is_error;
    if (p->upload_limit > 0)
      atp.upload_limit = p->upload_limit;
    if (p->download_limit > 0)
      atp.download_limit = p->download_limit;
    lt::torrent_handle h = session->ses->add_torrent (std::move (atp), ec);
    if (ec)
      throw lt::system_error (ec);
    t = new SrLtTorrent{ h };
  });
  return t;
}

bool
sr_lt_session_remove (SrLtSession *session, SrLtTorrent *torrent, bool delete_files, SrLtError *error)
{
  return guarded (error, [&] {
    session->ses->remove_torrent (torrent->h, delete_files ? lt::session::delete_files : lt::remove_flags_t{});
  });
}

/* ---- torrent ---- */

SrLtTorrent *
sr_lt_torrent_dup (const SrLtTorrent *torrent)
{
  return torrent ? new SrLtTorrent{ torrent->h } : nullptr;
}

void
sr_lt_session_set_extension_handshake (SrLtSession *session, uint32_t torrent_id,
                                       const uint8_t *data, size_t len)
{
  quiet ([&] {
    std::lock_guard<std::mutex> lock (session->ext->mutex);
    if (data == nullptr || len == 0)
      session->ext->handshakes.erase (torrent_id);
    else
      session->ext->handshakes[torrent_id] = std::string (reinterpret_cast<const char *> (data), len);
  });
}

char *
sr_lt_torrent_info_hash_v2 (const SrLtTorrent *torrent)
{
  char *r = nullptr;
  quiet ([&] {
    auto ih = torrent->h.info_hashes ();
    if (ih.has_v2 ())
      r = dup_string (lt::aux::to_hex (ih.v2));
  });
  return r;
}

void
sr_lt_torrent_free (SrLtTorrent *torrent)
{
  delete torrent;
}

uint32_t
sr_lt_torrent_id (const SrLtTorrent *torrent)
{
  return torrent->h.id ();
}

bool
sr_lt_torrent_is_valid (const SrLtTorrent *torrent)
{
  return torrent->h.is_valid ();
}

bool
sr_lt_torrent_status (const SrLtTorrent *torrent, SrLtStatus *st, SrLtError *error)
{
  std::memset (st, 0, sizeof *st);
  return guarded (error, [&] {
    lt::torrent_status s = torrent->h.status ({});
    st->state = s.state;
    st->paused = bool (s.flags & lt::torrent_flags::paused);
    st->upload_mode = bool (s.flags & lt::torrent_flags::upload_mode);
    st->has_metadata = s.has_metadata;
    st->is_seeding = s.is_seeding;
    st->progress = s.progress;
    st->download_rate = s.download_payload_rate;
    st->upload_rate = s.upload_payload_rate;
    st->num_peers = s.num_peers;
    st->num_seeds = s.num_seeds;
    st->total_done = s.total_wanted_done;
    st->total_wanted = s.total_wanted;
    st->all_time_upload = s.all_time_upload;
    st->num_pieces = s.num_pieces;
    if (s.errc)
      st->error = dup_string (s.errc.message ());
  });
}

void
sr_lt_status_clear (SrLtStatus *status)
{
  std::free (status->error);
  status->error = nullptr;
}

char *
sr_lt_torrent_name (const SrLtTorrent *torrent)
{
  char *r = nullptr;
  quiet ([&] { r = dup_string (torrent->h.status (lt::torrent_handle::query_name).name); });
  return r;
}

char *
sr_lt_torrent_info_hash (const SrLtTorrent *torrent)
{
  char *r = nullptr;
  quiet ([&] { r = dup_string (hash_hex (torrent->h.info_hashes ())); });
  return r;
}

char *
sr_lt_torrent_save_path (const SrLtTorrent *torrent)
{
  char *r = nullptr;
  quiet ([&] { r = dup_string (torrent->h.status (lt::torrent_handle::query_save_path).save_path); });
  return r;
}

bool
sr_lt_torrent_has_metadata (const SrLtTorrent *torrent)
{
  bool r = false;
  quiet ([&] { r = torrent->h.torrent_file () != nullptr; });
  return r;
}

int
sr_lt_torrent_piece_length (const SrLtTorrent *torrent)
{
  int r = 0;
  quiet ([&] { if (auto ti = torrent->h.torrent_file ()) r = ti->piece_length (); });
  return r;
}

int
sr_lt_torrent_num_pieces (const SrLtTorrent *torrent)
{
  int r = 0;
  quiet ([&] { if (auto ti = torrent->h.torrent_file ()) r = ti->num_pieces (); });
  return r;
}

int
sr_lt_torrent_num_files (const SrLtTorrent *torrent)
{
  int r = 0;
  quiet ([&] { if (auto ti = torrent->h.torrent_file ()) r = ti->num_files (); });
  return r;
}

bool
sr_lt_torrent_file (const SrLtTorrent *torrent, int index, SrLtFile *file)
{
  bool ok = false;
  std::memset (file, 0, sizeof *file);
  quiet ([&] {
    auto ti = torrent->h.torrent_file ();
    if (ti && index >= 0 && index < ti->num_files ())
      {
        fill_file (ti->files (), index, file);
        ok = true;
      }
  });
  return ok;
}

bool
sr_lt_torrent_have_piece (const SrLtTorrent *torrent, int piece)
{
  bool r = false;
  quiet ([&] { r = torrent->h.have_piece (lt::piece_index_t (piece)); });
  return r;
}

uint8_t *
sr_lt_torrent_pieces (const SrLtTorrent *torrent, int *num_pieces)
{
  uint8_t *bits = nullptr;
  *num_pieces = 0;
  quiet ([&] {
    lt::torrent_status s = torrent->h.status (lt::torrent_handle::query_pieces);
    int n = s.pieces.size ();
    bits = static_cast<uint8_t *> (std::calloc (static_cast<size_t> (n + 7) / 8 + 1, 1));
    if (bits == nullptr)
      return;
    for (int i = 0; i < n; i++)
      if (s.pieces.get_bit (lt::piece_index_t (i)))
        bits[i / 8] |= static_cast<uint8_t> (0x80 >> (i % 8));
    *num_pieces = n;
  });
  return bits;
}

int64_t *
sr_lt_torrent_file_progress (const SrLtTorrent *torrent, int *num_files)
{
  int64_t *r = nullptr;
  *num_files = 0;
  quiet ([&] {
    std::vector<std::int64_t> v = torrent->h.file_progress (lt::torrent_handle::piece_granularity);
    r = static_cast<int64_t *> (std::calloc (v.size () + 1, sizeof (int64_t)));
    if (r == nullptr)
      return;
    std::copy (v.begin (), v.end (), r);
    *num_files = static_cast<int> (v.size ());
  });
  return r;
}

bool
sr_lt_torrent_set_file_priority (SrLtTorrent *torrent, int index, int priority, SrLtError *error)
{
  return guarded (error, [&] {
    if (priority < 0 || priority > 7)
      throw std::invalid_argument ("a file priority must be between 0 and 7");
    torrent->h.file_priority (lt::file_index_t (index), lt::download_priority_t (static_cast<std::uint8_t> (priority)));
  });
}

bool
sr_lt_torrent_move_storage (SrLtTorrent *torrent, const char *path, SrLtError *error)
{
  return guarded (error, [&] {
    torrent->h.move_storage (path, lt::move_flags_t::dont_replace);
  });
}

int
sr_lt_torrent_file_priority (const SrLtTorrent *torrent, int index)
{
  int r = -1;
  quiet ([&] { r = static_cast<int> (static_cast<std::uint8_t> (torrent->h.file_priority (lt::file_index_t (index)))); });
  return r;
}

SrLtPeer *
sr_lt_torrent_peers (const SrLtTorrent *torrent, int *num_peers)
{
  SrLtPeer *r = nullptr;
  *num_peers = 0;
  quiet ([&] {
    std::vector<lt::peer_info> v;
    torrent->h.get_peer_info (v);
    r = static_cast<SrLtPeer *> (std::calloc (v.size () + 1, sizeof (SrLtPeer)));
    if (r == nullptr)
      return;
    for (size_t i = 0; i < v.size (); i++)
      {
        auto const &pi = v[i];
        std::string addr = pi.ip.address ().to_string () + ":" + std::to_string (pi.ip.port ());
        r[i].address = dup_string (addr);
        r[i].client = dup_string (pi.client);
        r[i].payload_down = pi.total_download;
        r[i].payload_up = pi.total_upload;
        r[i].down_rate = pi.payload_down_speed;
        r[i].up_rate = pi.payload_up_speed;
        r[i].seed = bool (pi.flags & lt::peer_info::seed);
      }
    *num_peers = static_cast<int> (v.size ());
  });
  return r;
}

void
sr_lt_peers_free (SrLtPeer *peers, int num_peers)
{
  for (int i = 0; peers != nullptr && i < num_peers; i++)
    {
      std::free (peers[i].address);
      std::free (peers[i].client);
    }
  std::free (peers);
}

void
sr_lt_torrent_pause (SrLtTorrent *torrent)
{
  quiet ([&] {
    torrent->h.unset_flags (lt::torrent_flags::auto_managed);
    torrent->h.pause (lt::torrent_handle::graceful_pause);
  });
}

void
sr_lt_torrent_resume (SrLtTorrent *torrent)
{
  quiet ([&] {
    // A failed write (disk full) puts the torrent in upload mode, which it
    // would leave only after optimistic_disk_retry (10 minutes).
    torrent->h.unset_flags (lt::torrent_flags::upload_mode);
    torrent->h.clear_error ();
    torrent->h.resume ();
  });
}

void
sr_lt_torrent_force_recheck (SrLtTorrent *torrent)
{
  quiet ([&] { torrent->h.force_recheck (); });
}

void
sr_lt_torrent_save_resume_data (SrLtTorrent *torrent)
{
  quiet ([&] { torrent->h.save_resume_data (lt::torrent_handle::save_info_dict); });
}

bool
sr_lt_torrent_connect_peer (SrLtTorrent *torrent, const char *address, SrLtError *error)
{
  return guarded (error, [&] { torrent->h.connect_peer (parse_endpoint (address)); });
}

void
sr_lt_torrent_set_limits (SrLtTorrent *torrent, int upload, int download)
{
  quiet ([&] {
    torrent->h.set_upload_limit (upload > 0 ? upload : -1);
    torrent->h.set_download_limit (download > 0 ? download : -1);
  });
}

void
sr_lt_torrent_set_sequential (SrLtTorrent *torrent, bool sequential)
{
  quiet ([&] {
    if (sequential)
      torrent->h.set_flags (lt::torrent_flags::sequential_download);
    else
      torrent->h.unset_flags (lt::torrent_flags::sequential_download);
  });
}

void
sr_lt_torrent_set_piece_deadline (SrLtTorrent *torrent, int piece, int deadline_ms)
{
  quiet ([&] { torrent->h.set_piece_deadline (lt::piece_index_t (piece), deadline_ms); });
}

void
sr_lt_torrent_reset_piece_deadline (SrLtTorrent *torrent, int piece)
{
  quiet ([&] { torrent->h.reset_piece_deadline (lt::piece_index_t (piece)); });
}

void
sr_lt_torrent_clear_piece_deadlines (SrLtTorrent *torrent)
{
  quiet ([&] { torrent->h.clear_piece_deadlines (); });
}

uint8_t *
sr_lt_torrent_metadata (const SrLtTorrent *torrent, size_t *len)
{
  uint8_t *r = nullptr;
  *len = 0;
  quiet ([&] {
    auto ti = torrent->h.torrent_file_with_hashes ();
    if (!ti)
      return;
    lt::create_torrent ct (*ti);
    std::vector<char> buf;
    lt::bencode (std::back_inserter (buf), ct.generate ());
    r = static_cast<uint8_t *> (std::malloc (buf.size ()));
    if (r == nullptr)
      return;
    std::memcpy (r, buf.data (), buf.size ());
    *len = buf.size ();
  });
  return r;
}

/* ---- parsing ---- */

SrLtInfo *
sr_lt_info_new_from_data (const uint8_t *data, size_t len, SrLtError *error)
{
  SrLtInfo *info = nullptr;
  guarded (error, [&] {
    auto ti = parse_torrent (data, len);
    auto i = new SrLtInfo;
    i->atp.ti = std::const_pointer_cast<lt::torrent_info> (ti);
    i->atp.info_hashes = ti->info_hashes ();
    i->atp.name = ti->name ();
    info = i;
  });
  return info;
}

SrLtInfo *
sr_lt_info_new_from_magnet (const char *uri, SrLtError *error)
{
  SrLtInfo *info = nullptr;
  guarded (error, [&] {
    lt::error_code ec;
    if (uri == nullptr)
      throw lt::system_error (lt::errors::unsupported_url_protocol);
    auto i = new SrLtInfo;
    lt::parse_magnet_uri (uri, i->atp, ec);
    if (ec)
      {
        delete i;
        throw lt::system_error (ec);
      }
    if (!i->atp.name.empty ())
      {
        try { check_path_element (i->atp.name); }
        catch (...) { delete i; throw; }
      }
    info = i;
  });
  return info;
}

void
sr_lt_info_free (SrLtInfo *info)
{
  delete info;
}

char *
sr_lt_info_name (const SrLtInfo *info)
{
  return dup_string (info->atp.ti ? info->atp.ti->name () : info->atp.name);
}

char *
sr_lt_info_info_hash (const SrLtInfo *info)
{
  return dup_string (hash_hex (info->atp.info_hashes));
}

char *
sr_lt_info_info_hash_v2 (const SrLtInfo *info)
{
  if (!info->atp.info_hashes.has_v2 ())
    return nullptr;
  return dup_string (lt::aux::to_hex (info->atp.info_hashes.v2));
}

bool
sr_lt_info_has_metadata (const SrLtInfo *info)
{
  return info->atp.ti != nullptr;
}

int64_t
sr_lt_info_total_size (const SrLtInfo *info)
{
  return info->atp.ti ? info->atp.ti->total_size () : 0;
}

int
sr_lt_info_piece_length (const SrLtInfo *info)
{
  return info->atp.ti ? info->atp.ti->piece_length () : 0;
}

int
sr_lt_info_num_pieces (const SrLtInfo *info)
{
  return info->atp.ti ? info->atp.ti->num_pieces () : 0;
}

int
sr_lt_info_num_files (const SrLtInfo *info)
{
  return info->atp.ti ? info->atp.ti->num_files () : 0;
}

bool
sr_lt_info_file (const SrLtInfo *info, int index, SrLtFile *file)
{
  std::memset (file, 0, sizeof *file);
  if (!info->atp.ti || index < 0 || index >= info->atp.ti->num_files ())
    return false;
  bool ok = false;
  quiet ([&] { fill_file (info->atp.ti->files (), index, file); ok = true; });
  return ok;
}

/* ---- creation ---- */

uint8_t *
sr_lt_create_torrent (const char *path, bool v1_only, int piece_length,
                      const char *const *trackers,
                      SrLtHashProgressFunc progress, void *user_data,
                      size_t *len, SrLtError *error)
{
  uint8_t *r = nullptr;
  *len = 0;
  guarded (error, [&] {
    std::string full (path);
    while (full.size () > 1 && full.back () == '/')
      full.pop_back ();
    lt::file_storage fs;
    lt::add_files (fs, full, lt::create_flags_t{});
    if (fs.num_files () == 0)
      throw lt::system_error (lt::error_code (ENOENT, lt::system_category ()));
    lt::create_torrent ct (fs, piece_length, v1_only ? lt::create_torrent::v1_only : lt::create_flags_t{});
    ct.set_creator ("Seedreel 0.1");
    for (int tier = 0; trackers != nullptr && trackers[tier] != nullptr; tier++)
      ct.add_tracker (trackers[tier], tier);
    int total = ct.num_pieces ();
    std::string parent = full.find ('/') == std::string::npos ? "." : full.substr (0, full.rfind ('/'));
    if (parent.empty ())
      parent = "/";
    lt::error_code ec;
    int done = 0;
    lt::set_piece_hashes (ct, parent, [&] (lt::piece_index_t) {
      done++;
      // libtorrent has no cancel for hashing: unwinding out of its loop
      // through an exception is the only way to stop it early.
      if (progress != nullptr && !progress (done, total, user_data))
        throw cancelled ();
    }, ec);
    if (ec)
      throw lt::system_error (ec);
    std::vector<char> buf;
    lt::bencode (std::back_inserter (buf), ct.generate ());
    r = static_cast<uint8_t *> (std::malloc (buf.size ()));
    if (r == nullptr)
      throw std::bad_alloc ();
    std::memcpy (r, buf.data (), buf.size ());
    *len = buf.size ();
  });
  return r;
}

} // extern "C"

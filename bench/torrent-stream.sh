#!/bin/sh
# bench/torrent-stream.sh: Seedreel's torrent engine against other BitTorrent
# clients on loopback. Not a test: it prints one table.
#
#   bench/torrent-stream.sh BUILD_DIR [SIZE_MB]
#
# One Seedreel (libtorrent, v1 torrent) seeder on 127.0.0.2 serves every
# client, each client on its own 127.0.0.x.
# Streaming, Seedreel (seedreel-cli torrent stream) beside webtorrent-cli:
# time to the first MiB from the start, and seek-to-data (first byte after a
# seek to 70 %), unthrottled and with the seeder capped at 2 MB/s (a
# per-torrent limit: the session-wide limit does not apply to loopback
# peers). Each is the median of $REPEAT runs (default 3), timed inside the
# client from opening the file for reading (metadata known, peer given).
# Full download (wall clock of the whole process, one run): seedreel-cli get
# beside webtorrent-cli, aria2c (through a loopback opentracker, which it
# needs to find peers) and transmission-cli (which ignores loopback peers
# from trackers, so the seeder dials it).
#
# webtorrent-cli is pinned in bench/peers/package.json (+ package-lock.json)
# and installed there with `npm ci --ignore-scripts` on first use. Its CLI
# cannot turn off DHT, LSD, UPnP/NAT-PMP or trackers nor name a peer, so
# bench/peers/webtorrent-bench.mjs drives its engine (webtorrent, as pinned
# by the CLI) with all of those off and uTP off: it dials the seeder over TCP.
# Needs node/npm, aria2, opentracker and transmission-cli; missing ones are
# skipped.
set -eu

build=${1:?usage: $0 BUILD_DIR [SIZE_MB]}
size_mb=${2:-200}
cli="$build/src/cli/seedreel-cli"
[ -x "$cli" ] || { echo "no $cli: build first" >&2; exit 1; }
repeat=${REPEAT:-3}
peers=$(cd "$(dirname "$0")" && pwd)/peers

# webtorrent-cli, pinned, in bench/peers/node_modules (git-ignored).
webtorrent=""
if command -v npm > /dev/null && command -v node > /dev/null; then
  if ! cmp -s "$peers/package-lock.json" "$peers/node_modules/.bench-lock" 2> /dev/null; then
    echo "installing webtorrent-cli into $peers/node_modules (npm ci)…" >&2
    (cd "$peers" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error > /dev/null) &&
      cp "$peers/package-lock.json" "$peers/node_modules/.bench-lock"
  fi
  if [ -x "$peers/node_modules/.bin/webtorrent" ]; then
    webtorrent="webtorrent-cli $("$peers/node_modules/.bin/webtorrent" --version 2> /dev/null)"
  fi
fi

work=$(mktemp -d /tmp/seedreel-bench-XXXXXX)
chmod 755 "$work"
pids=""
cleanup () {
  for p in $pids; do kill "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

now () { date +%s.%N; }
elapsed () { echo "$2 - $1" | bc; }

free_port () {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

mkdir -p "$work/src" "$work/tracker"
head -c $((size_mb * 1000 * 1000)) /dev/urandom > "$work/src/film.mp4"
tracker_port=$(free_port)
"$cli" torrent create -q --v1-only -t "http://127.0.0.1:$tracker_port/announce" \
  -o "$work/film.torrent" "$work/src/film.mp4" > "$work/hash"
hash=$(cat "$work/hash")
echo "$hash" > "$work/tracker/whitelist"
chmod 755 "$work/tracker"; chmod 644 "$work/tracker/whitelist"

if command -v opentracker > /dev/null; then
  opentracker -i 127.0.0.1 -p "$tracker_port" -P "$tracker_port" -d "$work/tracker" -w whitelist \
    > /dev/null 2>&1 &
  pids="$pids $!"
fi
seeder_pid=""; seeder_port=""

# start_seeder LIMIT_KIB [EXTRA ARGS…]: sets seeder_port and seeder_pid.
# Not called through $(…): the seeder would hold the substitution's pipe.
start_seeder () {
  limit=$1; shift
  err="$work/seed-$(date +%N).err"
  if [ "$limit" -gt 0 ]; then set -- --upload-limit="$limit" "$@"; fi
  "$cli" torrent seed -q --listen=127.0.0.2:0 "$@" "$work/film.torrent" "$work/src/film.mp4" \
    > /dev/null 2> "$err" &
  seeder_pid=$!
  pids="$pids $seeder_pid"
  seeder_port=""
  for _ in $(seq 1 100); do
    seeder_port=$(sed -n 's/^listen-port: //p' "$err")
    [ -n "$seeder_port" ] && return
    sleep 0.05
  done
  echo "the seeder did not start" >&2; exit 1
}

# median of the numbers on stdin
median () { sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print "-"; else print v[int((NR + 1) / 2)] }'; }

# stream_seedreel PORT OFFSET: "first-byte first-mib" in seconds
stream_seedreel () {
  rm -rf "$work/stream"
  "$cli" torrent stream -q --listen=127.0.0.3:0 --peer="127.0.0.2:$1" --offset="$2" -o "$work/stream" \
    "$work/film.torrent" 0 2> "$work/stream.err" | head -c 2097152 > /dev/null || true
  sed -n 's/^stream-timing: first-byte \([0-9.]*\) s, first-mib \([0-9.-]*\) s.*/\1 \2/p' "$work/stream.err"
}

# stream_webtorrent PORT OFFSET: "first-byte first-mib" in seconds
stream_webtorrent () {
  rm -rf "$work/wt-stream"
  (cd "$peers" && timeout 60 node webtorrent-bench.mjs stream "$work/film.torrent" "127.0.0.2:$1" "$2" \
    "$work/wt-stream") 2> "$work/wt-stream.err" || true
  sed -n 's/^stream-timing: first-byte \([0-9.]*\) s, first-mib \([0-9.-]*\) s.*/\1 \2/p' "$work/wt-stream.err"
}

# stream_case CLIENT PORT OFFSET FIELD: median over $repeat runs of FIELD
# (1 = first byte, 2 = first MiB)
stream_case () {
  for _ in $(seq 1 "$repeat"); do
    "stream_$1" "$2" "$3" | awk -v f="$4" '{ print $f }'
  done > "$work/runs"
  echo "  $1, offset $3, $([ "$4" = 1 ] && echo "first byte" || echo "first MiB"):" $(cat "$work/runs") >&2
  median < "$work/runs"
}

seek=$((size_mb * 1000 * 1000 * 7 / 10))
for limit in 0 1953; do
  echo "streaming, seeder limit ${limit} KiB/s…" >&2
  start_seeder $limit; port=$seeder_port
  eval "sr_mib_$limit=\$(stream_case seedreel $port 0 2)"
  eval "sr_seek_$limit=\$(stream_case seedreel $port $seek 1)"
  if [ -n "$webtorrent" ]; then
    eval "wt_mib_$limit=\$(stream_case webtorrent $port 0 2)"
    eval "wt_seek_$limit=\$(stream_case webtorrent $port $seek 1)"
  fi
  kill "$seeder_pid"; wait "$seeder_pid" 2>/dev/null || true
done

echo "full downloads…" >&2
start_seeder 0; port=$seeder_port
t0=$(now)
"$cli" torrent get -q --listen=127.0.0.4:0 --peer="127.0.0.2:$port" -o "$work/get" "$work/film.torrent" 2> /dev/null
sr_full=$(elapsed "$t0" "$(now)")
cmp -s "$work/get/film.mp4" "$work/src/film.mp4" || { echo "seedreel-cli get: data differs" >&2; sr_full=-; }

wt_full=-
if [ -n "$webtorrent" ]; then
  t0=$(now)
  (cd "$peers" && timeout 120 node webtorrent-bench.mjs get "$work/film.torrent" "127.0.0.2:$port" "$work/wt-get") \
    2> /dev/null || true
  wt_full=$(elapsed "$t0" "$(now)")
  cmp -s "$work/wt-get/film.mp4" "$work/src/film.mp4" || { echo "webtorrent: data differs" >&2; wt_full=-; }
fi

aria_full=-
if command -v aria2c > /dev/null && command -v opentracker > /dev/null; then
  t0=$(now)
  timeout 120 aria2c -q --dir="$work/aria2" --seed-time=0 --enable-dht=false --bt-enable-lpd=false \
    --enable-peer-exchange=false --listen-port="$(free_port)" --interface=127.0.0.5 \
    --bt-tracker-connect-timeout=5 "$work/film.torrent" > /dev/null 2>&1 || true
  aria_full=$(elapsed "$t0" "$(now)")
  cmp -s "$work/aria2/film.mp4" "$work/src/film.mp4" || { echo "aria2c: data differs" >&2; aria_full=-; }
fi

tr_full=-
if command -v transmission-cli > /dev/null; then
  tport=$(free_port)
  mkdir -p "$work/transmission"
  t0=$(now)
  transmission-cli -g "$work/transmission-config" -w "$work/transmission" -p "$tport" -M \
    -f /bin/true "$work/film.torrent" > /dev/null 2>&1 &
  tpid=$!; pids="$pids $tpid"
  sleep 0.5
  start_seeder 0 --peer="127.0.0.1:$tport"
  tr_full=-
  for _ in $(seq 1 600); do
    if cmp -s "$work/transmission/film.mp4" "$work/src/film.mp4"; then
      tr_full=$(elapsed "$t0" "$(now)"); break
    fi
    sleep 0.2
  done
  kill "$tpid" 2>/dev/null || true
  [ "$tr_full" = - ] && echo "transmission-cli: did not finish in 120 s" >&2
fi

# cell SECONDS REFERENCE: "1.23 s (1.00)", or "—"
cell () {
  case "$1" in
    ''|-|-1*) printf '%s' "n/a" ;;
    *) case "$2" in
         ''|-|-1*|0|0.000) printf '%.2f s' "$1" ;;
         *) printf '%.2f s (%.2f)' "$1" "$(echo "$1 / $2" | bc -l)" ;;
       esac ;;
  esac
}
row () {
  label=$1; ref=$2; shift 2
  printf '| %-38s |' "$label"
  for v in "$ref" "$@"; do printf ' %-16s |' "$(cell "$v" "$ref")"; done
  echo
}

echo
echo "Seedreel torrent benchmark: $size_mb MB file, one libtorrent seeder on loopback TCP,"
echo "streaming rows median of $repeat; seconds (ratio to Seedreel, lower is better)."
echo "Seedreel $(git -C "$peers" rev-parse --short HEAD 2> /dev/null); ${webtorrent:-webtorrent-cli missing};" \
  "$(aria2c --version 2> /dev/null | head -n 1); $(transmission-cli --version 2>&1 | head -n 1)"
echo
printf '| %-38s | %-16s | %-16s | %-16s | %-16s |\n' "" Seedreel webtorrent-cli aria2c transmission-cli
printf '|%s|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' $(seq 40))" "$(printf -- '-%.0s' $(seq 18))" \
  "$(printf -- '-%.0s' $(seq 18))" "$(printf -- '-%.0s' $(seq 18))" "$(printf -- '-%.0s' $(seq 18))"
row "first MiB, unthrottled" "$sr_mib_0" "${wt_mib_0:--}" - -
row "first MiB, seeder at 2 MB/s" "$sr_mib_1953" "${wt_mib_1953:--}" - -
row "seek to 70 %, first byte, unthrottled" "$sr_seek_0" "${wt_seek_0:--}" - -
row "seek to 70 %, first byte, 2 MB/s" "$sr_seek_1953" "${wt_seek_1953:--}" - -
row "full download ($size_mb MB)" "$sr_full" "$wt_full" "$aria_full" "$tr_full"

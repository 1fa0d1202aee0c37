#!/bin/sh
# bench/torrent-stream.sh: Seedreel's torrent engine against other BitTorrent
# clients on loopback TCP. Not a test: it prints a table.
#
#   bench/torrent-stream.sh BUILD_DIR [SIZE_MB]
#
# Streaming (seedreel-cli torrent stream): time to the first byte and first
# MiB from the start and after a seek to 70 %, unthrottled and with the
# seeder capped at 2 MB/s (a per-torrent limit: the session-wide limit does
# not apply to loopback peers). Full download: seedreel-cli get beside
# aria2c (through a loopback opentracker, which it needs to find peers) and
# transmission-cli (which ignores loopback peers from trackers, so the
# seeder dials it). Every client downloads from a Seedreel (libtorrent)
# seeder, each on its own 127.0.0.x. Needs aria2, opentracker and
# transmission-cli for the comparison rows; missing ones are skipped.
set -eu

build=${1:?usage: $0 BUILD_DIR [SIZE_MB]}
size_mb=${2:-200}
cli="$build/src/cli/seedreel-cli"
[ -x "$cli" ] || { echo "no $cli: build first" >&2; exit 1; }

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

# stream_timing PORT OFFSET: "first-byte first-mib" in seconds
stream_timing () {
  rm -rf "$work/stream"
  "$cli" torrent stream -q --listen=127.0.0.3:0 --peer="127.0.0.2:$1" --offset="$2" -o "$work/stream" \
    "$work/film.torrent" 0 2> "$work/stream.err" | head -c 2097152 > /dev/null || true
  sed -n 's/^stream-timing: first-byte \([0-9.]*\) s, first-mib \([0-9.-]*\) s.*/\1 \2/p' "$work/stream.err"
}

seek=$((size_mb * 1000 * 1000 * 7 / 10))
printf '%-44s %12s %12s\n' "Seedreel streaming ($size_mb MB file)" "first byte" "first MiB"
for limit in 0 1953; do
  start_seeder $limit; port=$seeder_port
  label="unthrottled"; [ "$limit" -gt 0 ] && label="seeder capped at 2 MB/s"
  for offset in 0 "$seek"; do
    where="from the start"; [ "$offset" -gt 0 ] && where="after a seek to 70 %"
    set -- $(stream_timing "$port" "$offset")
    printf '%-44s %11ss %11ss\n' "$label, $where" "$1" "$2"
  done
  kill "$seeder_pid"; wait "$seeder_pid" 2>/dev/null || true
done

echo
start_seeder 0; port=$seeder_port
printf '%-44s %12s %12s\n' "Full download ($size_mb MB)" "seconds" "vs Seedreel"
t0=$(now)
"$cli" torrent get -q --listen=127.0.0.4:0 --peer="127.0.0.2:$port" -o "$work/get" "$work/film.torrent" 2> /dev/null
ours=$(elapsed "$t0" "$(now)")
cmp -s "$work/get/film.mp4" "$work/src/film.mp4" || echo "seedreel-cli get: data differs" >&2
printf '%-44s %12.2f %12s\n' "seedreel-cli torrent get" "$ours" "1.00"

if command -v aria2c > /dev/null && command -v opentracker > /dev/null; then
  t0=$(now)
  timeout 120 aria2c -q --dir="$work/aria2" --seed-time=0 --enable-dht=false --bt-enable-lpd=false \
    --enable-peer-exchange=false --listen-port="$(free_port)" --interface=127.0.0.5 \
    --bt-tracker-connect-timeout=5 "$work/film.torrent" > /dev/null 2>&1 || true
  t=$(elapsed "$t0" "$(now)")
  cmp -s "$work/aria2/film.mp4" "$work/src/film.mp4" || echo "aria2c: data differs" >&2
  printf '%-44s %12.2f %12.2f\n' "aria2c (through opentracker)" "$t" "$(echo "$t / $ours" | bc -l)"
fi

if command -v transmission-cli > /dev/null; then
  tport=$(free_port)
  mkdir -p "$work/transmission"
  t0=$(now)
  transmission-cli -g "$work/transmission-config" -w "$work/transmission" -p "$tport" -M \
    -f /bin/true "$work/film.torrent" > /dev/null 2>&1 &
  tpid=$!; pids="$pids $tpid"
  sleep 0.5
  start_seeder 0 --peer="127.0.0.1:$tport"
  for _ in $(seq 1 600); do
    cmp -s "$work/transmission/film.mp4" "$work/src/film.mp4" && break
    sleep 0.2
  done
  t=$(elapsed "$t0" "$(now)")
  kill "$tpid" 2>/dev/null || true
  printf '%-44s %12.2f %12.2f\n' "transmission-cli (dialled by the seeder)" "$t" "$(echo "$t / $ours" | bc -l)"
fi

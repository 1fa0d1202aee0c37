#!/bin/sh
# bench/player.sh: Seedreel's player from process start to the screen,
# beside GStreamer alone on the local file and webtorrent on the same
# torrent. Not a test: it prints one table.
#
#   bench/player.sh [BUILD_DIR]      (default /tmp/build-seedreel-bench)
#
# Configures BUILD_DIR with -Dbench=true and builds sr-bench-player (a GTK
# window showing SrVideoPaintable in a GtkPicture, bench/player/) and
# seedreel-cli; SEEDREEL_CLI=path uses another seedreel-cli instead. The
# title, 1080p30 H.264 + AAC, fast start, 90 s, is made once with
# gst-launch and kept in ~/.cache/seedreel-bench. One seedreel-cli seeder on
# 127.0.0.2 serves it (v1 torrent), unthrottled and with a 2 MB/s upload
# cap. Without $DISPLAY the windows go to a private Xvfb.
#
# Measured, each by bench/player/measure.py from just before exec:
# - first frame on screen, and seek-to-frame at 25/50/75 % one second apart
#   (sr_player_seek() to the after-paint that shows the new position),
#   $REPEAT runs each (default 3), medians;
# - CPU seconds (user + system, all threads) and peak RSS (VmHWM) from exec
#   to 60 s after the first frame.
# Anchors: gst-launch-1.0 playbin on the local file with fakesink sync=true
# for video and audio (decode and clock, nothing drawn: the floor), the same
# sr-bench-player on the local file (the player without the torrent), and
# webtorrent (the engine of webtorrent-cli 6.0.1, pinned in bench/peers)
# reading the torrent at the title's bitrate: bytes, not frames.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$here")
build=${1:-/tmp/build-seedreel-bench}
repeat=${REPEAT:-3}
hold=${HOLD:-60}
seeks=25,50,75
peers=$here/peers

if [ -f "$build/build.ninja" ]; then
  meson configure "$build" -Dbench=true > /dev/null
else
  meson setup "$build" "$root" -Dbench=true > /dev/null
fi
if [ -n "${SEEDREEL_CLI:-}" ]; then
  meson compile -C "$build" -j 2 sr-bench-player > /dev/null
  cli=$SEEDREEL_CLI
else
  meson compile -C "$build" -j 2 sr-bench-player seedreel-cli > /dev/null
  cli=$build/src/cli/seedreel-cli
fi
player=$build/bench/player/sr-bench-player
measure="python3 $here/player/measure.py"

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

work=$(mktemp -d /tmp/seedreel-player-bench-XXXXXX)
pids=""
cleanup () {
  for p in $pids; do kill "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT INT TERM

# The title: 1080p30, SMPTE bars over a band of noise (so it has a real
# bitrate, ~6 Mb/s), a tone, keyframes every 2 s, index at the front.
cache=${XDG_CACHE_HOME:-$HOME/.cache}/seedreel-bench
title=$cache/title-1080p30-90s.mp4
seconds=90
if [ ! -s "$title" ]; then
  echo "making the 1080p30 title (once; minutes on 2 cores)…" >&2
  mkdir -p "$cache"
  gst-launch-1.0 -q \
    compositor name=c sink_1::ypos=720 ! videoconvert \
    ! video/x-raw,format=I420,width=1920,height=1080,framerate=30/1 \
    ! x264enc speed-preset=superfast bitrate=6000 key-int-max=60 ! video/x-h264,profile=high ! h264parse \
    ! mp4mux faststart=true name=m ! filesink location="$title.part" \
    videotestsrc pattern=smpte num-buffers=$((seconds * 30)) \
    ! video/x-raw,width=1920,height=720,framerate=30/1 ! c.sink_0 \
    videotestsrc pattern=snow num-buffers=$((seconds * 30)) \
    ! video/x-raw,width=1920,height=360,framerate=30/1 ! c.sink_1 \
    audiotestsrc num-buffers=$((seconds * 44100 / 1024 + 1)) samplesperbuffer=1024 \
    ! audio/x-raw,rate=44100,channels=2 ! voaacenc bitrate=128000 ! aacparse ! m.
  mv "$title.part" "$title"
fi
title_bytes=$(stat -c %s "$title")
rate=$((title_bytes / seconds))

if [ -z "${DISPLAY:-}" ]; then
  Xvfb -displayfd 5 -screen 0 1920x1080x24 -nolisten tcp 5> "$work/display" > /dev/null 2>&1 &
  pids="$pids $!"
  for _ in $(seq 1 100); do [ -s "$work/display" ] && break; sleep 0.05; done
  DISPLAY=:$(cat "$work/display"); export DISPLAY
fi

"$cli" torrent create -q --v1-only -o "$work/title.torrent" "$title" > /dev/null

# start_seeder LIMIT_KIB: sets seeder_port and seeder_pid.
start_seeder () {
  err="$work/seed-$(date +%N).err"
  if [ "$1" -gt 0 ]; then set -- --upload-limit="$1"; else set --; fi
  "$cli" torrent seed -q --listen=127.0.0.2:0 "$@" "$work/title.torrent" "$title" > /dev/null 2> "$err" &
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

median () { sort -n | awk '{ v[NR] = $1 } END { if (NR == 0) print "-"; else print v[int((NR + 1) / 2)] }'; }
# pick FILE SED-EXPRESSION: the numbers it extracts, one a line
pick () { sed -n "$2" "$1"; }

gst_marker='"vsink" \(state-changed\).*new-state=\(GstState\)paused'
# gst_local OUT ARGS…: gst-launch-1.0 playbin on the local file
gst_local () {
  out=$1; shift
  $measure --timeout 120 --marker "$gst_marker" "$@" -- gst-launch-1.0 -m playbin uri="file://$title" \
    "video-sink=fakesink name=vsink sync=true" "audio-sink=fakesink sync=true" 2>> "$work/stderr" |
    grep '^measure:' >> "$out" || true
}

# sr_torrent OUT ARGS…: sr-bench-player on the torrent from the seeder
sr_torrent () {
  out=$1; shift
  rm -rf "$work/dl"; mkdir "$work/dl"
  $measure --timeout 120 "$@" -- "$player" --torrent="$work/title.torrent" --peer="127.0.0.2:$seeder_port" \
    --download-dir="$work/dl" $player_args >> "$out" 2>> "$work/stderr"
}
sr_local () {
  out=$1; shift
  $measure --timeout 120 "$@" -- "$player" --uri="file://$title" $player_args >> "$out" 2>> "$work/stderr"
}
wt_torrent () {
  out=$1; shift
  rm -rf "$work/wt"
  $measure --timeout 120 "$@" -- node "$here/player/webtorrent-play.mjs" "$work/title.torrent" \
    "127.0.0.2:$seeder_port" "$work/wt" "$rate" $wt_seeks >> "$out" 2>> "$work/stderr"
}

# first frame and seeks
player_args="--seek=$seeks"; wt_seeks=$seeks
for limit in 0 1953; do
  echo "first frame and seeks, seeder limit $limit KiB/s…" >&2
  start_seeder $limit
  for _ in $(seq 1 "$repeat"); do
    sr_torrent "$work/sr-$limit" --marker "^first-frame"
    [ -n "$webtorrent" ] && wt_torrent "$work/wt-$limit" --marker "^seek ${seeks##*,} " --hold 0
  done
  kill "$seeder_pid"; wait "$seeder_pid" 2>/dev/null || true
done
echo "first frame and seeks, local file…" >&2
for _ in $(seq 1 "$repeat"); do
  sr_local "$work/sr-local" --marker "^first-frame"
  gst_local "$work/gst-local" --hold 0
done

echo "CPU and memory, ${hold} s of playback each…" >&2
start_seeder 0
player_args="--play=$((hold + 60))"; wt_seeks=""
sr_torrent "$work/cpu-sr" --marker '^first-frame' --hold "$hold"
sr_local "$work/cpu-local" --marker '^first-frame' --hold "$hold"
gst_local "$work/cpu-gst" --hold "$hold"
[ -n "$webtorrent" ] && wt_torrent "$work/cpu-wt" --marker '^first-mib' --hold "$hold"
kill "$seeder_pid"; wait "$seeder_pid" 2>/dev/null || true

# ---- the table ----

first_frame () { pick "$1" 's/^first-frame: \([0-9.]*\) s$/\1/p' | median; }
window_shown () { pick "$1" 's/^window: \([0-9.]*\) s$/\1/p' | median; }
decoded () { pick "$1" 's/^decoded: \([0-9.]*\) s$/\1/p' | median; }
seek_frame () { pick "$1" 's/^seek [0-9]* %: \([0-9.]*\) s$/\1/p' | median; }
wt_first_mib () { pick "$1" 's/^first-mib: \([0-9.]*\) s$/\1/p' | median; }
wt_seek () { pick "$1" 's/^seek [0-9]* %: \([0-9.]*\) s (first byte).*/\1/p' | median; }
gst_first () { pick "$1" 's/^measure: marker \([0-9.]*\) s.*/\1/p' | median; }
cpu () { pick "$1" 's/^measure: .*cpu \([0-9.]*\) s.*/\1/p' | head -n 1; }
rss () { pick "$1" 's/^measure: .*vmhwm \([0-9]*\) KiB.*/\1/p' | awk '{ printf "%.0f\n", $1 / 1024 }' | head -n 1; }
missing () { printf '%s/%s' "$(grep -c 'piece missing' "$1" || true)" "$(grep -c '^seek-start' "$1" || true)"; }
touch "$work/sr-0" "$work/sr-1953" "$work/sr-local" "$work/gst-local" "$work/wt-0" "$work/wt-1953" \
  "$work/cpu-sr" "$work/cpu-local" "$work/cpu-gst" "$work/cpu-wt"

# cell VALUE REFERENCE UNIT: "1.23 s (0.45)", the ratio VALUE / REFERENCE
cell () {
  case "$1" in
    ''|-) printf '%s' "n/a" ;;
    *) case "$2" in
         ''|-|0|0.000) printf '%s %s' "$1" "$3" ;;
         *) printf '%s %s (%.2f)' "$1" "$3" "$(echo "$1 / $2" | bc -l)" ;;
       esac ;;
  esac
}
row () {
  label=$1; unit=$2; ref=$3; shift 3
  printf '| %-42s |' "$label"
  for v in "$ref" "$@"; do printf ' %-18s |' "$(cell "$v" "$ref" "$unit")"; done
  echo
}

echo "runs (stdout of each program):" >&2
for f in sr-0 wt-0 sr-1953 wt-1953 sr-local gst-local cpu-sr cpu-local cpu-gst cpu-wt; do
  sed "s/^/  $f: /" "$work/$f" >&2
done

echo
echo "Seedreel player benchmark: $(basename "$title"), $((title_bytes / 1000000)) MB," \
  "one seedreel-cli seeder on loopback TCP;"
echo "first frame and seeks median of $repeat runs (seeks: $seeks % each run); CPU and peak RSS from exec to"
echo "${hold} s after the first frame (first MiB for webtorrent), one run. Ratio to Seedreel in brackets."
echo "Seedreel $(git -C "$root" rev-parse --short HEAD 2> /dev/null); $(gst-launch-1.0 --version | sed -n 2p);" \
  "${webtorrent:-webtorrent-cli missing}; $(sed -n 's/^renderer: //p' "$work/sr-0" | head -n 1)" \
  "on ${DISPLAY}"
echo
printf '| %-42s | %-18s | %-18s | %-18s | %-18s |\n' "" "Seedreel" "Seedreel, local file" "gst-launch, local" "webtorrent"
printf '|%s|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' $(seq 44))" "$(printf -- '-%.0s' $(seq 20))" \
  "$(printf -- '-%.0s' $(seq 20))" "$(printf -- '-%.0s' $(seq 20))" "$(printf -- '-%.0s' $(seq 20))"
row "window painted (GTK and GL ready)" s "$(window_shown "$work/sr-0")" "$(window_shown "$work/sr-local")" - -
row "first frame decoded, unthrottled" s "$(decoded "$work/sr-0")" "$(decoded "$work/sr-local")" \
  "$(gst_first "$work/gst-local")" -
row "first frame on screen, unthrottled" s "$(first_frame "$work/sr-0")" \
  "$(first_frame "$work/sr-local")" - "$(wt_first_mib "$work/wt-0")"
row "first frame decoded, seeder at 2 MB/s" s "$(decoded "$work/sr-1953")" - - -
row "first frame on screen, seeder at 2 MB/s" s "$(first_frame "$work/sr-1953")" - - "$(wt_first_mib "$work/wt-1953")"
row "seek to frame, unthrottled" s "$(seek_frame "$work/sr-0")" "$(seek_frame "$work/sr-local")" - \
  "$(wt_seek "$work/wt-0")"
row "seek to frame, seeder at 2 MB/s" s "$(seek_frame "$work/sr-1953")" - - "$(wt_seek "$work/wt-1953")"
row "CPU, exec to ${hold} s after first frame" s "$(cpu "$work/cpu-sr")" "$(cpu "$work/cpu-local")" \
  "$(cpu "$work/cpu-gst")" "$(cpu "$work/cpu-wt")"
row "peak RSS" MiB "$(rss "$work/cpu-sr")" "$(rss "$work/cpu-local")" "$(rss "$work/cpu-gst")" "$(rss "$work/cpu-wt")"
echo
echo "Seek targets whose piece had not arrived when seeking: Seedreel $(missing "$work/sr-0") unthrottled," \
  "$(missing "$work/sr-1953") at 2 MB/s; webtorrent $(missing "$work/wt-0") and $(missing "$work/wt-1953")."
echo "Playback window: Seedreel $(pick "$work/cpu-sr" 's/^playing: //p'), local file" \
  "$(pick "$work/cpu-local" 's/^playing: //p') (30 frames/s in the title)."

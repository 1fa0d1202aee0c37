#!/usr/bin/env bash
# bench/transcode.sh BUILDDIR [SECONDS] [PRESET]: Seedreel's ladder encoder
# against ffmpeg with the same x264/AAC settings, on one generated 1080p25
# source of SECONDS (default 30) with stereo sound.
#
# Three runs over the same rungs (the ladder Seedreel makes for the source,
# never upscaled): Seedreel (one decode, tee into every rung, plus its poster
# frame), ffmpeg in one pass with `split`, and ffmpeg in one pass per rung.
# For each: wall-clock seconds, CPU seconds (user + system), and speed in
# video seconds per wall-clock second.
#
# Settings given to both: libx264/x264enc at PRESET (default veryfast, the
# worker's default), the rung's bitrate as ABR with a VBV of the same maximum
# rate and 0.6 s of buffer (x264enc's pass=cbr), a keyframe every 2 s and no
# scene-cut keyframes, lanczos scaling, 4:2:0; FFmpeg's own AAC encoder (what
# avenc_aac is) at the rung's audio bitrate; fast-start MP4.
#
# Compiles bench/transcode-bench.c against the build's static transcode
# library (nothing is added to the build). Installs ffmpeg with apt if it is
# missing.
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
BUILD="$(cd "${1:?usage: bench/transcode.sh BUILDDIR [SECONDS] [PRESET]}" && pwd)"
SECONDS_OF_VIDEO="${2:-30}"
PRESET="${3:-veryfast}"
LIB="$BUILD/src/transcode/libsrtranscode.a"
FPS=25
GOP=$((2 * FPS))

[ -f "$LIB" ] || { echo "transcode.sh: $LIB is missing; build the tree first" >&2; exit 1; }
if ! command -v ffmpeg >/dev/null; then
  echo "transcode.sh: installing ffmpeg (Debian package)" >&2
  apt-get install -y ffmpeg >/dev/null
fi

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

cc -std=gnu11 -O2 -I"$BUILD" -I"$ROOT" -I"$ROOT/src" -I"$BUILD/src" \
  -o "$WORK/transcode-bench" "$ROOT/bench/transcode-bench.c" "$LIB" \
  $(pkg-config --cflags --libs gio-2.0 gstreamer-1.0 gstreamer-pbutils-1.0 gstreamer-video-1.0 \
      gstreamer-app-1.0 json-glib-1.0 libsoup-3.0 sqlite3) -lm

SRC="$WORK/source-1080p.mp4"
gst-launch-1.0 -q \
  videotestsrc pattern=smpte horizontal-speed=4 num-buffers=$((SECONDS_OF_VIDEO * FPS)) ! \
  video/x-raw,width=1920,height=1080,framerate=$FPS/1 ! videoconvert ! video/x-raw,format=I420 ! \
  x264enc speed-preset=ultrafast bitrate=20000 key-int-max=$GOP ! mp4mux name=mux ! filesink location="$SRC" \
  audiotestsrc wave=sine num-buffers=$((SECONDS_OF_VIDEO * 48000 / 1024)) samplesperbuffer=1024 ! \
  audio/x-raw,rate=48000,channels=2 ! audioconvert ! avenc_aac bitrate=192000 ! mux.

echo "$(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
echo "$(ffmpeg -version | head -1 | cut -d' ' -f1-3), $(gst-inspect-1.0 --version | sed -n 2p)"
echo "source: ${SECONDS_OF_VIDEO} s, 1920x1080 at $FPS fps (moving SMPTE bars), 48 kHz stereo; preset $PRESET"

mkdir -p "$WORK/seedreel"
"$WORK/transcode-bench" "$SRC" "$WORK/seedreel" "$PRESET" > "$WORK/seedreel.txt"
mapfile -t RUNGS < <(grep '^rung ' "$WORK/seedreel.txt")
read -r _ SR_WALL SR_USER SR_SYS DURATION < <(grep '^seedreel ' "$WORK/seedreel.txt")

# ffmpeg output options for one rung: "NAME W H VKBPS AKBPS" → args.
rung_args() {
  local name="$1" vk="$4" ak="$5"
  echo "-c:v libx264 -preset $PRESET -b:v ${vk}k -maxrate ${vk}k -bufsize $((vk * 6 / 10))k" \
       "-g $GOP -keyint_min $GOP -sc_threshold 0 -pix_fmt yuv420p" \
       "-c:a aac -b:a ${ak}k -movflags +faststart"
}

timed() { # timed OUT CMD...: runs CMD, appends "WALL USER SYS" to OUT
  /usr/bin/time -f '%e %U %S' -a -o "$1" "${@:2}" >/dev/null 2>"$WORK/ffmpeg.err" ||
    { cat "$WORK/ffmpeg.err" >&2; exit 1; }
}

# One pass: decode once, split into every rung.
FILTER="[0:v]split=${#RUNGS[@]}"
for i in "${!RUNGS[@]}"; do FILTER+="[s$i]"; done
OUTS=()
for i in "${!RUNGS[@]}"; do
  read -r _ name w h vk ak <<< "${RUNGS[$i]}"
  FILTER+=";[s$i]scale=${w}:${h}:flags=lanczos,setsar=1[o$i]"
  # shellcheck disable=SC2207
  OUTS+=(-map "[o$i]" -map 0:a $(rung_args "$name" "$w" "$h" "$vk" "$ak") "$WORK/split-$name.mp4")
done
: > "$WORK/split.time"
timed "$WORK/split.time" ffmpeg -nostdin -y -i "$SRC" -filter_complex "$FILTER" "${OUTS[@]}"

# One pass per rung: the source decoded again each time.
: > "$WORK/separate.time"
for i in "${!RUNGS[@]}"; do
  read -r _ name w h vk ak <<< "${RUNGS[$i]}"
  # shellcheck disable=SC2046
  timed "$WORK/separate.time" ffmpeg -nostdin -y -i "$SRC" -vf "scale=${w}:${h}:flags=lanczos,setsar=1" \
    $(rung_args "$name" "$w" "$h" "$vk" "$ak") "$WORK/separate-$name.mp4"
done

python3 - "$DURATION" "$SR_WALL" "$SR_USER" "$SR_SYS" "$WORK/split.time" "$WORK/separate.time" \
  "${#RUNGS[@]}" "$(printf '%s;' "${RUNGS[@]}")" <<'EOF'
import sys
dur, sw, su, ss = map(float, sys.argv[1:5])
def load(path):
    rows = [list(map(float, l.split())) for l in open(path) if l.strip()]
    return sum(r[0] for r in rows), sum(r[1] + r[2] for r in rows)
split = load(sys.argv[5])
separate = load(sys.argv[6])
rungs = [r.split()[1] for r in sys.argv[8].split(';') if r]
print(f"rungs: {', '.join(rungs)} (+ poster.jpg for Seedreel)")
rows = [('Seedreel ladder (one decode, tee)', sw, su + ss),
        (f'ffmpeg, one pass with split', *split),
        (f'ffmpeg, {sys.argv[7]} separate passes', *separate)]
print(f"{'':38} {'wall s':>8} {'CPU s':>8} {'video s/s':>10} {'wall ×':>7} {'CPU ×':>7}")
for name, wall, cpu in rows:
    print(f"{name:38} {wall:8.2f} {cpu:8.2f} {dur / wall:10.3f} {wall / sw:7.2f} {cpu / (su + ss):7.2f}")
print("(× columns: the ratio to Seedreel; above 1.00 ffmpeg took longer)")
EOF

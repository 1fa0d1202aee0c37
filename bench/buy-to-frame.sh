#!/usr/bin/env bash
# bench/buy-to-frame.sh BUILDDIR [RUNS]: time from a purchase's confirmation
# on chain to the first decrypted frame on screen, in the real window.
#
# Each run (default 3) is bench/buy-to-frame/measure.py inside the UI tests'
# private session (tests/ui/ui-session.py: Xvfb, D-Bus, AT-SPI): a private
# devnet, `seedreel-cli publish` seeding a paid 20 s 360p H.264 title on
# loopback, the viewer buying it in the window. The clock starts when the
# purchase transaction is on chain (the viewer's nonce, read every 10 ms)
# and stops at the first red frame in the middle of the window (the screen
# read every ~0.1 s, so a sample is late by up to that much). In between:
# the app sees the receipt, asks the seeder for the title's key over the
# peer extension (the seeder checks the purchase on chain and wraps the key),
# and the player fetches, decrypts and shows the first frame.
# Prints each sample and the median.
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
BUILD="$(cd "${1:?usage: bench/buy-to-frame.sh BUILDDIR [RUNS]}" && pwd)"
RUNS="${2:-3}"

for exe in src/app/seedreel src/cli/seedreel-cli src/signer/seedreel-signer; do
  [ -x "$BUILD/$exe" ] || { echo "buy-to-frame.sh: $BUILD/$exe is missing; build the tree first" >&2; exit 1; }
done
export SEEDREEL_SIGNER="$BUILD/src/signer/seedreel-signer" NO_PROXY=127.0.0.1 no_proxy=127.0.0.1
OUT="$(mktemp -d)"
trap 'rm -rf "$OUT"' EXIT

samples=()
for run in $(seq 1 "$RUNS"); do
  line=$(/usr/bin/python3 "$ROOT/tests/ui/ui-session.py" --builddir "$BUILD" --sourcedir "$ROOT" \
           --outdir "$OUT/run$run" --timeout 400 "$ROOT/bench/buy-to-frame/measure.py" 2>"$OUT/run$run.log" |
         grep '^buy-to-frame:' || true)
  if [ -z "$line" ]; then
    echo "run $run failed; its log:" >&2
    tail -20 "$OUT/run$run.log" >&2
    exit 1
  fi
  seconds=${line#buy-to-frame: }
  samples+=("$seconds")
  echo "run $run: ${seconds} s from the purchase on chain to the first decrypted frame"
done
median=$(printf '%s\n' "${samples[@]}" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }')
echo "median of $RUNS: ${median} s"

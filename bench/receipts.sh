#!/usr/bin/env bash
# bench/receipts.sh BUILDDIR [N]: seeding receipts a seeder verifies and
# stores per second (EIP-712 digest, key recovery, synced SQLite write of the
# newest receipt per view and seeder), and verification alone.
#
# Compiles bench/receipts-bench.c against the build's static chain, crypto
# and store libraries (nothing is added to the build) and runs it on a
# database in a temporary folder under /var/tmp (a real disk, not tmpfs).
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
BUILD="$(cd "${1:?usage: bench/receipts.sh BUILDDIR [N]}" && pwd)"
N="${2:-2000}"
LIBS=("$BUILD/src/chain/libsrchain.a" "$BUILD/src/store/libsrstore.a" "$BUILD/src/crypto/libsrcrypto.a")

for lib in "${LIBS[@]}"; do
  [ -f "$lib" ] || { echo "receipts.sh: $lib is missing; build the tree first" >&2; exit 1; }
done

WORK="$(mktemp -d -p /var/tmp)"
trap 'rm -rf "$WORK"' EXIT

cc -std=gnu11 -O2 -I"$BUILD" -I"$ROOT" -I"$ROOT/src" -I"$BUILD/src" \
  -o "$WORK/receipts-bench" "$ROOT/bench/receipts-bench.c" "${LIBS[@]}" \
  $(pkg-config --cflags --libs gio-2.0 json-glib-1.0 libsoup-3.0 sqlite3 libsecp256k1 nettle libsodium)

echo "$(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
"$WORK/receipts-bench" "$WORK" "$N"

#!/usr/bin/env bash
# bench/content-cipher.sh BUILDDIR [MIB] [REPEAT]: decryption throughput of a
# paid rendition (sr_content_cipher_xor in 64 KiB chunks) against a plain
# read of the same file from the page cache, the floor.
#
# Compiles bench/content-cipher-bench.c against the build's static crypto
# library (nothing is added to the build) and runs it over a MIB-sized
# (default 256) random file in a temporary folder.
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
BUILD="$(cd "${1:?usage: bench/content-cipher.sh BUILDDIR [MIB] [REPEAT]}" && pwd)"
MIB="${2:-256}"
REPEAT="${3:-5}"
LIB="$BUILD/src/crypto/libsrcrypto.a"

[ -f "$LIB" ] || { echo "content-cipher.sh: $LIB is missing; build the tree first" >&2; exit 1; }

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

cc -std=gnu11 -O2 -I"$BUILD" -I"$ROOT" -I"$ROOT/src" -I"$BUILD/src" \
  -o "$WORK/content-cipher-bench" "$ROOT/bench/content-cipher-bench.c" "$LIB" \
  $(pkg-config --cflags --libs gio-2.0 libsecp256k1 nettle libsodium json-glib-1.0)

head -c "$((MIB * 1024 * 1024))" /dev/urandom > "$WORK/rendition.mp4"
echo "$(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
"$WORK/content-cipher-bench" "$WORK/rendition.mp4" "$REPEAT"

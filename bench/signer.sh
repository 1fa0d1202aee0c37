#!/usr/bin/env bash
# bench/signer.sh BUILDDIR [SECONDS]: EIP-712 receipt signatures per second
# through seedreel-signer (IPC included) against libsecp256k1 in-process.
#
# Compiles bench/signer-bench.c against the build's static chain and crypto
# libraries (nothing is added to the build), then runs it with a throw-away
# keys folder. SECONDS (default 3) is the length of each measurement.
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
BUILD="$(cd "${1:?usage: bench/signer.sh BUILDDIR [SECONDS]}" && pwd)"
SECONDS_EACH="${2:-3}"
SIGNER="$BUILD/src/signer/seedreel-signer"

[ -x "$SIGNER" ] || { echo "signer.sh: build seedreel-signer first (meson compile -C $BUILD seedreel-signer)" >&2; exit 1; }
for lib in chain/libsrchain.a crypto/libsrcrypto.a store/libsrstore.a; do
  [ -f "$BUILD/src/$lib" ] || { echo "signer.sh: $BUILD/src/$lib is missing; build the tree first" >&2; exit 1; }
done

WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT

cc -std=c11 -O2 -D_GNU_SOURCE -I"$BUILD" -I"$ROOT" -I"$ROOT/src" -I"$BUILD/src" \
  -o "$WORK/signer-bench" "$ROOT/bench/signer-bench.c" \
  "$BUILD/src/chain/libsrchain.a" "$BUILD/src/store/libsrstore.a" "$BUILD/src/crypto/libsrcrypto.a" \
  $(pkg-config --cflags --libs gio-2.0 gio-unix-2.0 json-glib-1.0 libsoup-3.0 libsecp256k1 nettle libsodium sqlite3)

# The agent keeps keys under XDG_DATA_HOME; the test KDF makes the one
# import and unlock quick (it does not touch signing).
echo "$(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
XDG_DATA_HOME="$WORK/data" SEEDREEL_SIGNER_TEST_KDF=1 "$WORK/signer-bench" "$SIGNER" "$SECONDS_EACH"

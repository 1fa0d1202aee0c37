#!/usr/bin/env bash
# bench/catalog-sync.sh BUILDDIR [TITLES] [PER_BLOCK]: how long the catalog
# takes to sync TITLES (default 10,000) published titles into an empty
# library, and how long a later sync takes that finds nothing new.
#
# Starts a private devnet (tools/devnet on a free port, in a temporary home),
# publishes the titles from anvil's first account with JSON-RPC batches
# (PER_BLOCK, default 100, per mined block, each with about 300 bytes of
# metadata like the app writes), then times `seedreel-cli catalog --json`
# (the same SrCatalog sync the app runs: eth_getLogs over block ranges,
# metadata parsed, rows written to SQLite) from cold and again warm.
set -euo pipefail

ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
BUILD="$(cd "${1:?usage: bench/catalog-sync.sh BUILDDIR [TITLES] [PER_BLOCK]}" && pwd)"
TITLES="${2:-10000}"
PER_BLOCK="${3:-100}"
CLI="$BUILD/src/cli/seedreel-cli"

[ -x "$CLI" ] || { echo "catalog-sync.sh: $CLI is missing; build the tree first" >&2; exit 1; }
[ -f "$ROOT/contracts/out/SeedreelRegistry.json" ] ||
  { echo "catalog-sync.sh: contracts/out is missing; run node tools/compile-contracts" >&2; exit 1; }

WORK="$(mktemp -d)"
export XDG_CONFIG_HOME="$WORK/config" XDG_DATA_HOME="$WORK/data" XDG_CACHE_HOME="$WORK/cache"
export GSETTINGS_BACKEND=memory NO_PROXY=127.0.0.1 no_proxy=127.0.0.1
PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
trap '"$ROOT/tools/devnet" --stop --port "$PORT" >/dev/null 2>&1 || true; rm -rf "$WORK"' EXIT

"$ROOT/tools/devnet" --background --port "$PORT" >/dev/null 2>&1
RPC="http://127.0.0.1:$PORT"
REGISTRY="$(sed -n 's/^registry-address=//p' "$XDG_CONFIG_HOME/seedreel/networks/devnet.ini")"

echo "$(nproc) cores: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
python3 - "$RPC" "$REGISTRY" "$TITLES" "$PER_BLOCK" <<'EOF'
import json, sys, time, urllib.request

rpc, registry, titles, per_block = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
CREATOR = '0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266'
SELECTOR = '18bfa119'  # publish(bytes32,uint256,uint16,uint64,string)


def call(payload):
    req = urllib.request.Request(rpc, json.dumps(payload).encode(), {'Content-Type': 'application/json'})
    with urllib.request.urlopen(req, timeout=600) as r:
        return json.loads(r.read())


def word(n):
    return format(n, '064x')


def publish_data(i):
    meta = json.dumps({'title': f'Title number {i}', 'description': f'The {i}th title of the benchmark, '
                       'a few words long like a real description of a short film.',
                       'duration': 600 + i % 3600, 'renditions': ['1080p.mp4', '720p.mp4', '480p.mp4'],
                       'encrypted': True, 'keyCheck': format(i, '032x'), 'btih': format(i, '040x')}).encode()
    padded = meta.hex() + '00' * ((32 - len(meta) % 32) % 32)
    return ('0x' + SELECTOR + word(i + 1) + word(10 ** 18 * (1 + i % 20)) + word(i % 5000) + word(2 ** 30 + i)
            + word(5 * 32) + word(len(meta)) + padded)


call({'jsonrpc': '2.0', 'id': 0, 'method': 'evm_setAutomine', 'params': [False]})
started = time.monotonic()
for first in range(0, titles, per_block):
    batch = [{'jsonrpc': '2.0', 'id': i, 'method': 'eth_sendTransaction',
              'params': [{'from': CREATOR, 'to': registry, 'data': publish_data(i), 'gas': hex(400000)}]}
             for i in range(first, min(first + per_block, titles))]
    for answer in call(batch):
        if 'error' in answer:
            sys.exit(f'publishing failed: {answer["error"]}')
    call({'jsonrpc': '2.0', 'id': 0, 'method': 'evm_mine', 'params': []})
call({'jsonrpc': '2.0', 'id': 0, 'method': 'evm_setAutomine', 'params': [True]})
block = int(call({'jsonrpc': '2.0', 'id': 0, 'method': 'eth_blockNumber', 'params': []})['result'], 16)
print(f'published {titles} titles in {time.monotonic() - started:.1f} s, up to block {block}')
EOF

sync() {
  local start end
  start="$(date +%s.%N)"
  "$CLI" catalog --json --rpc-url "$RPC" --registry "$REGISTRY" > "$WORK/catalog.json"
  end="$(date +%s.%N)"
  python3 -c "import json, sys; n = len(json.load(open(sys.argv[1]))); assert n == int(sys.argv[2]), n" \
    "$WORK/catalog.json" "$TITLES"
  echo "$1: $(python3 -c "print(f'{$end - $start:.2f}')") s for $TITLES titles"
}
sync "cold sync into an empty library"
sync "warm sync, nothing new"
echo "library database: $(du -k "$XDG_DATA_HOME/seedreel/seedreel.db" | cut -f1) KiB"

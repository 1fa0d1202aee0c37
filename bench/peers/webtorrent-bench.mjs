// bench/peers/webtorrent-bench.mjs: drives webtorrent (the engine of the
// pinned webtorrent-cli) for bench/torrent-stream.sh. The CLI has no switch
// for DHT, LSD, UPnP/NAT-PMP, trackers or uTP, nor a way to name a peer, so
// the benchmark sets them here: everything off, one manual peer, TCP only.
//
//   node webtorrent-bench.mjs stream TORRENT HOST:PORT OFFSET DIR
//     prints "stream-timing: first-byte S s, first-mib S s" like seedreel-cli
//     (timed from opening the file for reading, metadata already known)
//   node webtorrent-bench.mjs get TORRENT HOST:PORT DIR
//     downloads everything; prints "get-seconds: S" from adding the torrent
import fs from 'node:fs'
import WebTorrent from 'webtorrent'

const [mode, torrentPath, peer, ...rest] = process.argv.slice(2)
const client = new WebTorrent({
  dht: false,
  lsd: false,
  tracker: false,
  natUpnp: false,
  natPmp: false,
  utp: false,
  webSeeds: false
})
client.on('error', (err) => { console.error(err.message); process.exit(1) })

const now = () => Number(process.hrtime.bigint()) / 1e9
const MIB = 1024 * 1024
const added = now()
const dir = mode === 'stream' ? rest[1] : rest[0]
const torrent = client.add(fs.readFileSync(torrentPath), { path: dir, announce: [] })
torrent.on('infoHash', () => torrent.addPeer(peer))
torrent.on('error', (err) => { console.error(err.message); process.exit(1) })

if (mode === 'stream') {
  const offset = Number(rest[0])
  torrent.on('ready', () => {
    const file = torrent.files[0]
    torrent.files.forEach((f) => f.deselect())
    const started = now()
    let firstByte = 0
    let got = 0
    const stream = file.createReadStream({ start: offset, end: Math.min(offset + 2 * MIB, file.length) - 1 })
    stream.on('data', (chunk) => {
      if (got === 0) firstByte = now()
      got += chunk.length
      if (got >= MIB) {
        const t = now()
        console.error(`stream-timing: first-byte ${(firstByte - started).toFixed(3)} s, first-mib ${(t - started).toFixed(3)} s`)
        stream.destroy()
        client.destroy(() => process.exit(0))
      }
    })
    stream.on('error', (err) => { console.error(err.message); process.exit(1) })
  })
} else if (mode === 'get') {
  torrent.on('done', () => {
    console.error(`get-seconds: ${(now() - added).toFixed(3)}`)
    client.destroy(() => process.exit(0))
  })
} else {
  console.error('usage: webtorrent-bench.mjs stream|get TORRENT HOST:PORT …')
  process.exit(2)
}

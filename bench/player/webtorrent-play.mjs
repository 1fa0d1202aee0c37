// bench/player/webtorrent-play.mjs: the peer anchor of bench/player.sh.
// Streams a title with webtorrent, the engine of the pinned webtorrent-cli
// (bench/peers), as its HTTP server would feed a player: webtorrent decodes
// nothing, so this measures bytes, not frames. DHT, LSD, UPnP/NAT-PMP,
// trackers and uTP are off and the seeder is a manual TCP peer, as in
// bench/peers/webtorrent-bench.mjs.
//
//   node webtorrent-play.mjs TORRENT HOST:PORT DIR RATE [SEEKS]
//
// Reads the first file from the start at RATE bytes/s (the title's
// bitrate), allowed 4 MiB ahead of the playback position as a player's
// buffer would be. Prints, from the time origin SR_BENCH_T0 (CLOCK_MONOTONIC
// µs taken before exec) or else from the engine's start:
//   first-byte: S s / first-mib: S s
// and with SEEKS (percentages, comma separated), one second after the first
// MiB and then after each seek, a new read from P % of the file:
//   seek-start P %: piece present|missing
//   seek P %: S s (first byte), first MiB S s
// then keeps streaming until stopped.
import fs from 'node:fs'

const { default: WebTorrent } = await import(new URL('../peers/node_modules/webtorrent/index.js', import.meta.url))

const [torrentPath, peer, dir, rateArg, seeksArg] = process.argv.slice(2)
const MIB = 1024 * 1024
const AHEAD = 4 * MIB
const rate = Number(rateArg)
const seeks = seeksArg ? seeksArg.split(',').map(Number) : []
const nowUs = () => Number(process.hrtime.bigint() / 1000n)   // CLOCK_MONOTONIC on Linux
const t0 = process.env.SR_BENCH_T0 ? Number(process.env.SR_BENCH_T0) : nowUs()
const secs = (from) => ((nowUs() - from) / 1e6).toFixed(3)

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
const torrent = client.add(fs.readFileSync(torrentPath), { path: dir, announce: [] })
torrent.on('infoHash', () => torrent.addPeer(peer))
torrent.on('error', (err) => { console.error(err.message); process.exit(1) })

// read(OFFSET, onFirstByte, onFirstMib): a paced read stream from OFFSET.
function read (file, offset, onFirstByte, onFirstMib) {
  const started = nowUs()
  let got = 0
  let timer = null
  const stream = file.createReadStream({ start: offset })
  stream.on('data', (chunk) => {
    if (got === 0) onFirstByte(started)
    const before = got
    got += chunk.length
    if (before < MIB && got >= MIB) onFirstMib(started)
    // Playback consumes RATE bytes/s from the first byte on.
    const allowed = AHEAD + rate * (nowUs() - started) / 1e6
    if (got > allowed) {
      stream.pause()
      timer = setTimeout(() => { timer = null; stream.resume() }, (got - allowed) / rate * 1000)
    }
  })
  stream.on('error', (err) => { console.error(err.message); process.exit(1) })
  return () => { if (timer) clearTimeout(timer); stream.destroy() }
}

torrent.on('ready', () => {
  const file = torrent.files[0]
  let stop = null
  const next = (i) => {
    if (i >= seeks.length) return
    const p = seeks[i]
    const offset = Math.floor(file.length / 100 * p)
    const piece = Math.floor(offset / torrent.pieceLength)
    console.log(`seek-start ${p} %: piece ${torrent.bitfield.get(piece) ? 'present' : 'missing'}`)
    let firstByte = 0
    stop()
    stop = read(file, offset, (started) => { firstByte = (nowUs() - started) / 1e6 }, (started) => {
      console.log(`seek ${p} %: ${firstByte.toFixed(3)} s (first byte), first MiB ${secs(started)} s`)
      setTimeout(() => next(i + 1), 1000)
    })
  }
  stop = read(file, 0, () => console.log(`first-byte: ${secs(t0)} s`), () => {
    console.log(`first-mib: ${secs(t0)} s`)
    setTimeout(() => next(0), 1000)
  })
})

// Differential awareness scenarios recorded from real y-protocols 1.0.7 (spec §8.2).
// Regenerate: node tests/Property/Protocols/golden/generate.mjs > tests/Property/Protocols/golden/awareness-scenarios.json
// (needs `npm ci` in tests/Property/oracle-js, whose node_modules this script borrows).
// Time is faked (Date.now is patched before lib0/time captures it) and the awareness check timer
// is captured instead of scheduled, so the C# replay can drive both by hand.
const START = 1_700_000_000_000
let now = START
Date.now = () => now
const timers = []
globalThis.setInterval = fn => { timers.push(fn); return timers.length }
globalThis.clearInterval = () => {}

const { createRequire } = await import('node:module')
const require = createRequire(new URL('../../oracle-js/package.json', import.meta.url))
const Y = require('yjs')
const awarenessProtocol = require('y-protocols/awareness')

const hex = u => Array.from(u, b => b.toString(16).padStart(2, '0')).join('')
let seed = 0x2545f491 >>> 0
const rnd = () => { seed ^= seed << 13; seed >>>= 0; seed ^= seed >>> 17; seed ^= seed << 5; seed >>>= 0; return seed / 4294967296 }
const pick = a => a[Math.floor(rnd() * a.length)]

const STATES = ['{}', '{"a":1,"b":2}', '{"b":2,"a":1}', '{"user":{"name":"ann"}}', '{"user":{"name":"bob"}}', '[1,2]',
  '"x"', '0', '""', 'false', 'null', '{"n":1.5,"m":[null,true]}', '{"1":"i","z":0}']

const scenario = () => {
  now = START
  const ids = [1, 2, 3]
  const peers = new Map()
  const checks = new Map()
  const events = []
  for (const id of ids) {
    const doc = new Y.Doc()
    doc.clientID = id
    const before = timers.length
    const aw = new awarenessProtocol.Awareness(doc)
    checks.set(id, timers[before])
    for (const kind of ['change', 'update']) {
      aw.on(kind, ({ added, updated, removed }, origin) => events.push({ peer: id, kind, added, updated, removed, origin: String(origin) }))
    }
    peers.set(id, aw)
  }
  const steps = []
  for (let i = 0; i < 50; i++) {
    const r = rnd()
    const peer = pick(ids)
    const aw = peers.get(peer)
    let op
    if (r < 0.25) {
      const state = pick(STATES)
      op = { op: 'set', peer, state }
      aw.setLocalState(JSON.parse(state))
    } else if (r < 0.35) {
      op = { op: 'advance', ms: pick([1000, 3000, 5000, 14999, 15000, 16000, 29999, 30000]) }
      now += op.ms
    } else if (r < 0.45) {
      op = { op: 'check', peer }
      checks.get(peer)()
    } else if (r < 0.9) {
      const known = Array.from(aw.meta.keys())
      const clients = known.filter(() => rnd() < 0.7)
      const to = pick(ids.filter(x => x !== peer))
      const update = awarenessProtocol.encodeAwarenessUpdate(aw, clients)
      op = { op: 'deliver', peer, to, clients, update: hex(update) }
      awarenessProtocol.applyAwarenessUpdate(peers.get(to), update, 'remote')
    } else {
      const clients = ids.filter(() => rnd() < 0.5)
      op = { op: 'remove', peer, clients }
      awarenessProtocol.removeAwarenessStates(aw, clients, 'host')
    }
    op.events = events.splice(0)
    op.snapshot = ids.map(id => {
      const p = peers.get(id)
      return {
        peer: id,
        local: JSON.stringify(p.getLocalState()),
        states: Array.from(p.getStates(), ([k, v]) => [k, JSON.stringify(v) ?? 'undefined']),
        meta: Array.from(p.meta, ([k, m]) => [k, m.clock, m.lastUpdated - START])
      }
    })
    steps.push(op)
  }
  return steps
}

const scenarios = Array.from({ length: 15 }, scenario)
process.stdout.write('[\n' + scenarios.map(s => ' ' + JSON.stringify(s)).join(',\n') + '\n]\n')

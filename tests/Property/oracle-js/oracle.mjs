// The yjs oracle (spec §11.1): a long-lived process driven by the C# tests over newline-delimited
// JSON. One request per stdin line, {"id":n,"op":"…",…}; one response per stdout line,
// {"id":n,"ok":true,…} or {"id":n,"ok":false,"error":"…","stack":"…"}. Byte arrays are base64,
// JS-only values are tagged (values.mjs). Nothing but responses may reach stdout, so console.log
// (which yjs uses for its client-id collision notice) is sent to stderr.
import readline from 'node:readline'
import { createHash } from 'node:crypto'
import { createRequire } from 'node:module'
import * as Y from 'yjs'
import { b64, unb64, fromWire, toWire, canonical, rootsToJson, getRoot, typeKind, dumpUpdate, snapshotUpdate } from './values.mjs'

console.log = (...args) => console.error(...args)
console.info = (...args) => console.error(...args)

const require = createRequire(import.meta.url)
const versionOf = name => require(`${name}/package.json`).version

/** name → { doc, roots } */
const docs = new Map()
const REMOTE = 'oracle-remote'

const entry = name => {
  const e = docs.get(name)
  if (!e) throw new Error(`no doc named ${name}`)
  return e
}

const newDoc = ({ clientID, gc = true, roots = {}, guid }) => {
  const doc = new Y.Doc({ gc, guid })
  doc.clientID = clientID
  for (const name of Object.keys(roots)) getRoot(doc, name, roots[name])
  return { doc, roots: { ...roots } }
}

/** Runs f and returns every update the doc emitted meanwhile, in emission order. */
const capture = (doc, f, event = 'update') => {
  const emitted = []
  const h = (u, origin, _d, tr) => emitted.push({ update: b64(u), remote: origin === REMOTE, local: tr.local })
  doc.on(event, h)
  try { f() } finally { doc.off(event, h) }
  return emitted
}

/** Resolves a path (root name, then map keys / array indices) to a shared type. */
const resolve = (e, path, leafKind) => {
  const [rootName, ...rest] = path
  let kind = e.roots[rootName]
  if (kind === undefined) {
    kind = rest.length === 0 ? leafKind : typeof rest[0] === 'number' ? 'array' : 'map'
    e.roots[rootName] = kind
  }
  let t = getRoot(e.doc, rootName, kind)
  for (const seg of rest) {
    const next = t.get(seg)
    if (!(next instanceof Y.AbstractType)) throw new Error(`path ${JSON.stringify(path)}: ${JSON.stringify(seg)} is not a shared type`)
    t = next
  }
  return t
}

const attrsOf = a => a == null ? undefined : fromWire(a)

/** Local edit ops; each runs inside the caller's transaction. */
const edits = {
  'text.insert': (e, o) => resolve(e, o.path, 'text').insert(o.index, o.text, attrsOf(o.attrs)),
  'text.insertEmbed': (e, o) => resolve(e, o.path, 'text').insertEmbed(o.index, fromWire(o.embed), attrsOf(o.attrs)),
  'text.delete': (e, o) => resolve(e, o.path, 'text').delete(o.index, o.len),
  'text.format': (e, o) => resolve(e, o.path, 'text').format(o.index, o.len, fromWire(o.attrs)),
  'array.insert': (e, o) => resolve(e, o.path, 'array').insert(o.index, fromWire(o.values)),
  'array.push': (e, o) => resolve(e, o.path, 'array').push(fromWire(o.values)),
  'array.delete': (e, o) => resolve(e, o.path, 'array').delete(o.index, o.len ?? 1),
  'map.set': (e, o) => resolve(e, o.path, 'map').set(o.key, fromWire(o.value)),
  'map.delete': (e, o) => resolve(e, o.path, 'map').delete(o.key),
  'xml.insert': (e, o) => resolve(e, o.path, 'xml').insert(o.index, fromWire(o.values)),
  'xml.delete': (e, o) => resolve(e, o.path, 'xml').delete(o.index, o.len ?? 1),
  'xml.setAttribute': (e, o) => resolve(e, o.path, 'xml').setAttribute(o.key, fromWire(o.value)),
  'xml.removeAttribute': (e, o) => resolve(e, o.path, 'xml').removeAttribute(o.key)
}

/** Structure summary the C# op generator needs: lengths, element kinds, map keys. */
const shapeOf = t => {
  // str: the visible units, embeds as U+FFFC, so the generator can tell where surrogate pairs are.
  if (t instanceof Y.Text) return { k: 'text', len: t.length, str: t.toDelta().map(op => typeof op.insert === 'string' ? op.insert : '\uFFFC').join('') }
  if (t instanceof Y.Array) return { k: 'array', items: t.toArray().map(v => v instanceof Y.AbstractType ? shapeOf(v) : null) }
  if (t instanceof Y.Map) {
    const entries = {}
    for (const key of [...t.keys()].sort()) { const v = t.get(key); entries[key] = v instanceof Y.AbstractType ? shapeOf(v) : null }
    return { k: 'map', entries }
  }
  if (t instanceof Y.XmlFragment) {
    // XmlElement extends XmlFragment; attributes only on elements.
    const attrs = t instanceof Y.XmlElement ? Object.keys(t.getAttributes()).sort() : []
    return { k: 'xml', el: t instanceof Y.XmlElement, children: t.toArray().map(shapeOf), attrs }
  }
  return { k: typeKind(t) }
}
const docShape = e => {
  const o = {}
  for (const name of Object.keys(e.roots).sort()) o[name] = shapeOf(getRoot(e.doc, name, e.roots[name]))
  return o
}

const jsonOf = (e, roots) => {
  const value = rootsToJson(e.doc, roots ?? e.roots)
  return { json: JSON.stringify(value), canonical: canonical(value) }
}

const sha1 = u => createHash('sha1').update(u).digest('hex')

const ops = {
  hello: () => ({ yjs: versionOf('yjs'), lib0: versionOf('lib0'), yProtocols: versionOf('y-protocols'), node: process.version }),
  new: o => { docs.set(o.doc, newDoc(o)); return {} },
  drop: o => { const e = docs.get(o.doc); if (e) { e.doc.destroy(); docs.delete(o.doc) } return {} },
  reset: () => { for (const e of docs.values()) e.doc.destroy(); docs.clear(); return {} },
  apply: o => {
    const e = entry(o.doc)
    const u = unb64(o.update)
    const origin = o.origin ?? REMOTE
    const emitted = capture(e.doc, () => o.v2 ? Y.applyUpdateV2(e.doc, u, origin) : Y.applyUpdate(e.doc, u, origin))
    return o.shape ? { emitted, shape: docShape(e) } : { emitted }
  },
  state: o => ({ update: b64(Y.encodeStateAsUpdate(entry(o.doc).doc, o.sv ? unb64(o.sv) : undefined)) }),
  stateV2: o => ({ update: b64(Y.encodeStateAsUpdateV2(entry(o.doc).doc, o.sv ? unb64(o.sv) : undefined)) }),
  sv: o => ({ sv: b64(Y.encodeStateVector(entry(o.doc).doc)) }),
  json: o => jsonOf(entry(o.doc), o.roots),
  shape: o => ({ shape: docShape(entry(o.doc)) }),
  delta: o => ({ delta: toWire(resolve(entry(o.doc), o.path ?? [o.root], 'text').toDelta()) }),
  transact: o => {
    const e = entry(o.doc)
    const emitted = capture(e.doc, () => e.doc.transact(() => { for (const op of o.ops) runEdit(e, op) }, o.origin ?? null))
    return o.shape ? { emitted, shape: docShape(e) } : { emitted }
  },
  merge: o => ({ update: b64(o.v2 ? Y.mergeUpdatesV2(o.updates.map(unb64)) : Y.mergeUpdates(o.updates.map(unb64))) }),
  diff: o => ({ update: b64(o.v2 ? Y.diffUpdateV2(unb64(o.update), unb64(o.sv)) : Y.diffUpdate(unb64(o.update), unb64(o.sv))) }),
  svFromUpdate: o => ({ sv: b64(o.v2 ? Y.encodeStateVectorFromUpdateV2(unb64(o.update)) : Y.encodeStateVectorFromUpdate(unb64(o.update))) }),
  convert: o => ({ update: b64(o.to === 'v2' ? Y.convertUpdateFormatV1ToV2(unb64(o.update)) : Y.convertUpdateFormatV2ToV1(unb64(o.update))) }),
  convertAll: o => ({ updates: o.updates.map(u => b64(o.to === 'v2' ? Y.convertUpdateFormatV1ToV2(unb64(u)) : Y.convertUpdateFormatV2ToV1(unb64(u)))) }),
  decode: o => dumpUpdate(unb64(o.update), o.v2),
  // Snapshots: Y.snapshot of a doc (V1 and V2 bytes); createDocFromSnapshot into a new doc
  // (gc and clientID given) with its state, JSON and text deltas, the update it applies (V1 and V2),
  // and the origin's state afterwards; equalSnapshots of two V1 snapshots.
  snapshot: o => { const s = Y.snapshot(entry(o.doc).doc); return { v1: b64(Y.encodeSnapshot(s)), v2: b64(Y.encodeSnapshotV2(s)) } },
  fromSnapshot: o => {
    const e = entry(o.doc)
    const snap = Y.decodeSnapshot(unb64(o.snapshot))
    const updateV1 = b64(snapshotUpdate(e.doc, snap, new Y.UpdateEncoderV1()))
    const updateV2 = b64(snapshotUpdate(e.doc, snap, new Y.UpdateEncoderV2()))
    const nd = new Y.Doc({ gc: o.gc ?? true }); nd.clientID = o.clientID ?? 0
    try {
      Y.createDocFromSnapshot(e.doc, snap, nd)
      const deltas = {}
      for (const [name, kind] of Object.entries(e.roots)) if (kind === 'text') deltas[name] = JSON.stringify(toWire(nd.getText(name).toDelta()))
      return { state: b64(Y.encodeStateAsUpdate(nd)), updateV1, updateV2, origin: b64(Y.encodeStateAsUpdate(e.doc)), deltas, ...jsonOf({ doc: nd, roots: e.roots }) }
    } finally { nd.destroy() }
  },
  equalSnapshots: o => ({ equal: Y.equalSnapshots(Y.decodeSnapshot(unb64(o.a)), Y.decodeSnapshot(unb64(o.b))) }),
  // Relative positions: create from (index, assoc) pairs in the type at `path`; resolve encoded ones.
  relpos: o => {
    const e = entry(o.doc)
    const t = resolve(e, o.path, o.kind ?? 'text')
    return {
      positions: o.at.map(([index, assoc]) => {
        const r = Y.createRelativePositionFromTypeIndex(t, index, assoc)
        return { bytes: b64(Y.encodeRelativePosition(r)), json: JSON.stringify(Y.relativePositionToJSON(r)) }
      })
    }
  },
  abspos: o => {
    const e = entry(o.doc)
    return {
      positions: o.rpos.map(b => {
        const a = Y.createAbsolutePositionFromRelativePosition(Y.decodeRelativePosition(unb64(b)), e.doc)
        if (a === null) return null
        return { index: a.index, assoc: a.assoc, type: a.type._item ? { client: a.type._item.id.client, clock: a.type._item.id.clock } : null }
      })
    }
  },
  // Replays a list of updates into a fresh doc, in order, as remote updates. Returns the final
  // state, state vector, JSON and the cleanup updates the doc emitted; with `steps`, a sha1 of
  // the state and the state vector after every update; with `svs`, encodeStateAsUpdate(doc, sv)
  // for each. With `v2`, the updates are V2 (applyUpdateV2), the emitted updates are the updateV2
  // events, and stateV2 / withSvV2 (encodeStateAsUpdateV2) come back too. Lets the C# side
  // compare a whole session in one round trip.
  replay: o => {
    const e = newDoc(o)
    const emitted = []
    const steps = []
    const errors = []
    try {
      o.updates.forEach((u, i) => {
        try {
          const apply = () => o.v2 ? Y.applyUpdateV2(e.doc, unb64(u), REMOTE) : Y.applyUpdate(e.doc, unb64(u), REMOTE)
          for (const x of capture(e.doc, apply, o.v2 ? 'updateV2' : 'update')) if (!x.remote) emitted.push({ ...x, after: i })
        } catch (err) { errors.push({ index: i, error: String(err) }) }
        if (o.steps) steps.push({ h: sha1(Y.encodeStateAsUpdate(e.doc)), sv: b64(Y.encodeStateVector(e.doc)) })
      })
      const state = b64(Y.encodeStateAsUpdate(e.doc))
      const sv = b64(Y.encodeStateVector(e.doc))
      const withSv = (o.svs ?? []).map(s => b64(Y.encodeStateAsUpdate(e.doc, unb64(s))))
      // Rich-text deltas of the text roots (tagged values), for comparing formatting as read back.
      const deltas = {}
      for (const [name, kind] of Object.entries(e.roots)) if (kind === 'text') deltas[name] = JSON.stringify(toWire(e.doc.getText(name).toDelta()))
      const v2 = o.v2 ? { stateV2: b64(Y.encodeStateAsUpdateV2(e.doc)), withSvV2: (o.svs ?? []).map(s => b64(Y.encodeStateAsUpdateV2(e.doc, unb64(s)))) } : {}
      return { state, sv, withSv, emitted, steps, errors, deltas, ...v2, ...jsonOf(e, o.roots) }
    } finally { e.doc.destroy() }
  },
  // Events: `watch` puts observe and observeDeep on every root of the doc and an afterTransaction
  // listener; each handler reads (in this order) every event's path, delta and keys while it runs
  // and logs them; `events` returns the log and empties it. `undo` drives a Y.UndoManager over
  // the named roots (created on first use): undo, redo, stopCapturing, clear, sizes.
  watch: o => {
    const e = entry(o.doc)
    const log = e.events = []
    const ser = ev => ({ path: ev.path, delta: toWire(ev.delta), keys: [...ev.keys].map(([k, v]) => [k, v.action, toWire(v.oldValue)]) })
    for (const name of Object.keys(e.roots).sort()) {
      const t = getRoot(e.doc, name, e.roots[name])
      t.observe((ev, tr) => log.push({ k: 'o', root: name, ...ser(ev), local: tr.local, origin: tr.origin ?? null }))
      t.observeDeep((evs, tr) => log.push({ k: 'd', root: name, events: evs.map(ser), local: tr.local, origin: tr.origin ?? null }))
    }
    e.doc.on('afterTransaction', tr => log.push({ k: 'a', local: tr.local, origin: tr.origin ?? null }))
    return {}
  },
  events: o => ({ events: (entry(o.doc).events ?? []).splice(0) }),
  undo: o => {
    const e = entry(o.doc)
    if (!e.undo) {
      e.undo = new Y.UndoManager((o.scope ?? Object.keys(e.roots)).map(n => getRoot(e.doc, n, e.roots[n])), { trackedOrigins: new Set(o.tracked ?? [null]), captureTimeout: o.captureTimeout ?? 0 })
    }
    const um = e.undo
    const emitted = capture(e.doc, () => {
      for (const a of o.actions ?? []) {
        if (a === 'undo') um.undo()
        else if (a === 'redo') um.redo()
        else if (a === 'stop') um.stopCapturing()
        else if (a === 'clear') um.clear()
        else throw new Error(`unknown undo action ${a}`)
      }
    })
    return { emitted, undo: um.undoStack.length, redo: um.redoStack.length }
  },
  undoStacks: o => {
    const um = entry(o.doc).undo
    const ds = d => [...d.clients].filter(([, r]) => r.length > 0).map(([c, r]) => [c, r.map(x => [x.clock, x.len])])
    const st = s => s.map(i => ({ deletions: ds(i.deletions), insertions: ds(i.insertions) }))
    return { undo: st(um.undoStack), redo: st(um.redoStack) }
  },
  // Several requests in one round trip; each result is a full response object without id.
  batch: o => ({ results: o.requests.map(r => run(r)) })
}

const runEdit = (e, op) => {
  const f = edits[op.op]
  if (!f) throw new Error(`unknown edit op ${op.op}`)
  f(e, op)
}

const run = req => {
  try {
    const f = ops[req.op] ?? (edits[req.op] && (o => ops.transact({ doc: o.doc, ops: [o], shape: o.shape })))
    if (!f) throw new Error(`unknown op ${req.op}`)
    return { ok: true, ...f(req) }
  } catch (err) {
    return { ok: false, error: String(err && err.message ? err.message : err), stack: err && err.stack ? String(err.stack) : undefined }
  }
}

const rl = readline.createInterface({ input: process.stdin, crlfDelay: Infinity })
rl.on('line', line => {
  if (line.trim() === '') return
  let req
  try { req = JSON.parse(line) } catch (err) {
    process.stdout.write(JSON.stringify({ id: null, ok: false, error: `bad request line: ${err}` }) + '\n')
    return
  }
  process.stdout.write(JSON.stringify({ id: req.id, ...run(req) }) + '\n')
})
rl.on('close', () => process.exit(0))

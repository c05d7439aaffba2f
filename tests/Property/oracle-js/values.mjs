// Tagged-value codec shared by oracle.mjs and ../Golden/generate.mjs (spec §11.1).
// JSON cannot carry Uint8Array, BigInt, undefined, -0/NaN/Infinity or "make a new shared type",
// so those travel as one-key objects: {$bin}, {$bigint}, {$undefined}, {$f64}, {$type}, {$doc}.
import * as Y from 'yjs'
import * as encoding from 'lib0/encoding'

export const b64 = u => Buffer.from(u).toString('base64')
export const unb64 = s => new Uint8Array(Buffer.from(s, 'base64'))
export const hex = u => Array.from(u, b => b.toString(16).padStart(2, '0')).join(' ')

const isTag = (v, k) => v !== null && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 1 && k in v

/** Tagged JSON → JS value (creating fresh, not yet integrated shared types for {$type}). */
export const fromWire = v => {
  if (v === null || typeof v !== 'object') return v
  if (Array.isArray(v)) return v.map(fromWire)
  if (isTag(v, '$bin')) return unb64(v.$bin)
  if (isTag(v, '$bigint')) return BigInt(v.$bigint)
  if (isTag(v, '$undefined')) return undefined
  if (isTag(v, '$f64')) return Number(v.$f64)
  if (isTag(v, '$type')) return newType(v.$type)
  if (isTag(v, '$doc')) return new Y.Doc(fromWire(v.$doc))
  const o = {}
  for (const k of Object.keys(v)) o[k] = fromWire(v[k])
  return o
}

export const newType = kind => {
  if (kind === 'map') return new Y.Map()
  if (kind === 'array') return new Y.Array()
  if (kind === 'text') return new Y.Text()
  if (kind === 'xmlText') return new Y.XmlText()
  if (kind === 'xmlFragment') return new Y.XmlFragment()
  if (kind.startsWith('xmlElement:')) return new Y.XmlElement(kind.slice('xmlElement:'.length))
  if (kind.startsWith('xmlHook:')) return new Y.XmlHook(kind.slice('xmlHook:'.length))
  throw new Error(`unknown $type ${kind}`)
}

export const typeKind = t => {
  if (t instanceof Y.XmlText) return 'xmlText'
  if (t instanceof Y.Text) return 'text'
  if (t instanceof Y.XmlHook) return 'xmlHook:' + t.hookName
  if (t instanceof Y.Map) return 'map'
  if (t instanceof Y.Array) return 'array'
  if (t instanceof Y.XmlElement) return 'xmlElement:' + t.nodeName
  if (t instanceof Y.XmlFragment) return 'xmlFragment'
  return 'abstract'
}

/** JS value → tagged JSON. Shared types become {$type}; sub-documents {$doc:{guid}}. */
export const toWire = v => {
  if (v === undefined) return { $undefined: true }
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return v
  if (typeof v === 'number') return Number.isInteger(v) && !Object.is(v, -0) ? v : { $f64: Object.is(v, -0) ? '-0' : String(v) }
  if (typeof v === 'bigint') return { $bigint: v.toString() }
  if (v instanceof Uint8Array) return { $bin: b64(v) }
  if (v instanceof Y.AbstractType) return { $type: typeKind(v) }
  if (v instanceof Y.Doc) return { $doc: { guid: v.guid } }
  if (Array.isArray(v)) return v.map(toWire)
  const o = {}
  for (const k of Object.keys(v)) o[k] = toWire(v[k])
  return o
}

/** Sorted-key JSON text (spec §11.1: Y.Map iteration order differs between peers). */
export const canonical = v => JSON.stringify(sortKeys(v))
const sortKeys = v => {
  if (Array.isArray(v)) return v.map(sortKeys)
  if (v === null || typeof v !== 'object') return v
  const o = {}
  for (const k of Object.keys(v).sort()) o[k] = sortKeys(v[k])
  return o
}

export const getRoot = (doc, name, kind) => {
  switch (kind) {
    case 'text': return doc.getText(name)
    case 'array': return doc.getArray(name)
    case 'map': return doc.getMap(name)
    case 'xml': case 'xmlFragment': return doc.getXmlFragment(name)
    default: throw new Error(`unknown root kind ${kind}`)
  }
}

/**
 * The JSON.stringify(type.toJSON()) value of each root, as an object name → value (yjs key order).
 * JSON.stringify throws on BigInt; a bigint is rendered as {"$bigint":"digits"} instead.
 */
export const rootsToJson = (doc, roots) => {
  const o = {}
  for (const name of Object.keys(roots)) o[name] = getRoot(doc, name, roots[name]).toJSON()
  return JSON.parse(JSON.stringify(o, (_k, v) => typeof v === 'bigint' ? { $bigint: v.toString() } : v))
}

/** Y.decodeUpdate dump for debugging mismatches: one plain object per struct plus the delete set. */
export const dumpUpdate = (update, v2 = false) => {
  const { structs, ds } = v2 ? Y.decodeUpdateV2(update) : Y.decodeUpdate(update)
  const id = i => i === null ? null : [i.client, i.clock]
  return {
    structs: structs.map(s => {
      const base = { client: s.id.client, clock: s.id.clock, length: s.length }
      if (s instanceof Y.GC) return { kind: 'GC', ...base }
      if (s instanceof Y.Skip) return { kind: 'Skip', ...base }
      const c = s.content
      const content = { ref: c.getRef(), kind: c.constructor.name }
      if (c instanceof Y.ContentString) content.str = c.str
      else if (c instanceof Y.ContentFormat) { content.key = c.key; content.value = toWire(c.value) }
      else if (c instanceof Y.ContentEmbed) content.embed = toWire(c.embed)
      else if (c instanceof Y.ContentType) content.type = typeKind(c.type)
      else if (c instanceof Y.ContentDoc) { content.guid = c.doc.guid; content.opts = toWire(c.opts) }
      else if (c instanceof Y.ContentBinary) content.bin = b64(c.content)
      else if (c instanceof Y.ContentDeleted) content.len = c.len
      else if (c instanceof Y.ContentAny || c instanceof Y.ContentJSON) content.arr = toWire(c.arr)
      const parent = s.parent === null ? null : typeof s.parent === 'string' ? s.parent : Array.isArray(s.parent) ? s.parent : s.parent.client !== undefined ? id(s.parent) : '?'
      return { kind: 'Item', ...base, origin: id(s.origin), rightOrigin: id(s.rightOrigin), parent, parentSub: s.parentSub, info: s.info, content }
    }),
    ds: [...ds.clients.entries()].sort((a, b) => b[0] - a[0]).map(([client, items]) => ({ client, ranges: items.map(d => [d.clock, d.len]) }))
  }
}

/**
 * The update yjs's createDocFromSnapshot builds and applies (yjs 13.6.33 src/utils/Snapshot.js,
 * line for line, with any encoder; writeDeleteSet is not exported, so its loop is repeated here).
 */
export const snapshotUpdate = (doc, snap, encoder) => {
  doc.transact(tr => {
    let size = 0
    snap.sv.forEach(clock => { if (clock > 0) size++ })
    encoding.writeVarUint(encoder.restEncoder, size)
    for (const [client, clock] of snap.sv) {
      if (clock === 0) continue
      if (clock < Y.getState(doc.store, client)) Y.getItemCleanStart(tr, Y.createID(client, clock))
      const structs = doc.store.clients.get(client) || []
      const last = Y.findIndexSS(structs, clock - 1)
      encoding.writeVarUint(encoder.restEncoder, last + 1)
      encoder.writeClient(client)
      encoding.writeVarUint(encoder.restEncoder, 0)
      for (let i = 0; i <= last; i++) structs[i].write(encoder, 0)
    }
    encoding.writeVarUint(encoder.restEncoder, snap.ds.clients.size)
    Array.from(snap.ds.clients.entries()).sort((a, b) => b[0] - a[0]).forEach(([client, items]) => {
      encoder.resetDsCurVal()
      encoding.writeVarUint(encoder.restEncoder, client)
      encoding.writeVarUint(encoder.restEncoder, items.length)
      for (const it of items) { encoder.writeDsClock(it.clock); encoder.writeDsLen(it.len) }
    })
  })
  return encoder.toUint8Array()
}

// Golden vectors from the real yjs (pinned in ../oracle-js/package-lock.json).
// Run by hand after changing a case:   cd tests/Property/oracle-js && npm ci && node ../Golden/generate.mjs
// Writes golden.json (cases, doc-less cases) and traces/<name>.yjs-update.bin.gz + traces/traces.json.
import { readFileSync, writeFileSync } from 'node:fs'
import { gunzipSync, gzipSync } from 'node:zlib'
import { createHash } from 'node:crypto'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { dirname, join } from 'node:path'

const here = dirname(fileURLToPath(import.meta.url))
const oracleDir = join(here, '..', 'oracle-js')
// yjs lives in the oracle's node_modules; import it (and the shared helpers) from there so only one copy loads.
const Y = await import(join(oracleDir, 'node_modules', 'yjs', 'dist', 'yjs.mjs'))
const { hex, toWire, canonical, rootsToJson, dumpUpdate, snapshotUpdate } = await import(join(oracleDir, 'values.mjs'))
const versionOf = name => createRequire(join(oracleDir, 'package.json'))(`${name}/package.json`).version

const unhex = s => new Uint8Array(s.split(/\s+/).filter(Boolean).map(b => parseInt(b, 16)))
const sha256 = data => createHash('sha256').update(data).digest('hex')
const REMOTE = 'golden-remote'

// ---------------------------------------------------------------------------------------------
// Document cases. Each `code` runs with: Y, mk(id, opts) (a doc recording what it emits), sync(a, b)
// (a → b: encodeStateAsUpdate(a, sv(b)) applied to b), unhex. It returns { doc, roots } and
// optionally `inputs` (updates to feed a fresh doc; default: every update `doc` emitted, in order).
// ---------------------------------------------------------------------------------------------
const cases = [
  { name: 'text-insert-abc', section: '10.1', code: `
    const d = mk(1); d.getText('text').insert(0, 'abc')
    return { doc: d, roots: { text: 'text' } }` },
  { name: 'text-delete-then-append', section: '10.2', code: `
    const d = mk(1); const t = d.getText('text'); t.insert(0, 'abc'); t.delete(1, 1); t.insert(2, 'd')
    return { doc: d, roots: { text: 'text' } }` },
  { name: 'map-number-string-object-overwrite', section: '10.3', code: `
    const d = mk(1); const m = d.getMap('map')
    m.set('num', 42); m.set('str', 'hi'); m.set('obj', { a: 1, b: [true, null] }); m.set('num', 43)
    return { doc: d, roots: { map: 'map' } }` },
  { name: 'map-value-zoo', section: '10.3', kinds: ['Any'], code: `
    const d = mk(5); const m = d.getMap('m')
    d.transact(() => {
      m.set('f', 1.5); m.set('f', false); m.set('d', 0.1); m.set('big', 2n ** 40n); m.set('neg', -5); m.set('large', 2 ** 31)
      m.set('bin', new Uint8Array([1, 2, 3])); m.set('u', undefined); m.set('nul', null)
    })
    return { doc: d, roots: { m: 'map' } }` },
  { name: 'any-edge-numbers-and-keys', section: '1.6', kinds: ['Any'], code: `
    const d = mk(6); const a = d.getArray('a')
    a.push([2147483647, -2147483647, 2147483648, -2147483648, 2 ** 53, 0.5, 0.1, -0, NaN, Infinity, -Infinity,
      { '1': 'one', b: 2, '0': 'zero', a: [1, 'x'] }, 'x'.repeat(200), 'a😀b', { nested: { big: 12345678901234567890n } }])
    return { doc: d, roots: { a: 'array' } }` },
  { name: 'array-push-binary', section: '10.4', kinds: ['Binary', 'Any'], code: `
    const d = mk(1); const a = d.getArray('arr')
    a.push([1, 'two', { three: 3 }]); a.push([new Uint8Array([9]), 5])
    return { doc: d, roots: { arr: 'array' } }` },
  { name: 'array-push-after-trailing-delete', section: '10.4', code: `
    const d = mk(1); const a = d.getArray('arr'); a.push([1, 2, 3]); a.delete(2, 1); a.push([4])
    return { doc: d, roots: { arr: 'array' } }` },
  { name: 'array-insert-after-trailing-delete', section: '10.4', code: `
    const d = mk(1); const a = d.getArray('arr'); a.push([1, 2, 3]); a.delete(2, 1); a.insert(2, [4])
    return { doc: d, roots: { arr: 'array' } }` },
  { name: 'text-insert-after-deleted-element', section: '10.4', code: `
    const d = mk(1); const t = d.getText('text'); t.insert(0, 'abc'); t.delete(1, 1); t.insert(1, 'X')
    return { doc: d, roots: { text: 'text' } }` },
  { name: 'array-insert-after-deleted-element', section: '10.4', code: `
    const d = mk(1); const a = d.getArray('arr'); a.push(['a', 'b', 'c']); a.delete(1, 1); a.insert(1, ['X'])
    return { doc: d, roots: { arr: 'array' } }` },
  { name: 'concurrent-insert-same-position', section: '10.5', code: `
    const base = mk(3); base.getText('t').insert(0, 'xy')
    const c1 = mk(1), c2 = mk(2); sync(base, c1); sync(base, c2)
    c1.getText('t').insert(1, 'A'); c2.getText('t').insert(1, 'B')
    sync(c1, c2); sync(c2, c1)
    return { doc: c1, roots: { t: 'text' } }` },
  { name: 'concurrent-insert-empty-doc', section: '10.5', code: `
    const c1 = mk(1), c2 = mk(2)
    c1.getText('t').insert(0, 'A'); c2.getText('t').insert(0, 'B')
    sync(c1, c2); sync(c2, c1)
    return { doc: c2, roots: { t: 'text' } }` },
  { name: 'concurrent-map-set-same-key', section: '10.6', code: `
    const c1 = mk(1), c2 = mk(2)
    c1.getMap('m').set('k', 'A'); c2.getMap('m').set('k', 'B')
    sync(c1, c2); sync(c2, c1)
    return { doc: c1, roots: { m: 'map' } }` },
  { name: 'concurrent-map-set-high-client-ids', section: '10.6', code: `
    const c1 = mk(4294967295), c2 = mk(100)
    c1.getMap('m').set('k', 'A'); c2.getMap('m').set('k', 'B'); c2.getMap('m').set('j', 1)
    sync(c2, c1); sync(c1, c2)
    return { doc: c2, roots: { m: 'map' } }` },
  { name: 'nested-array-deleted-gc', section: '10.10', kinds: ['Type:YArray', 'GC', 'Deleted'], code: `
    const d = mk(1); const m = d.getMap('m'); const inner = new Y.Array()
    m.set('list', inner); inner.push(['x']); m.delete('list')
    return { doc: d, roots: { m: 'map' } }` },
  { name: 'nested-array-deleted-no-gc', section: '10.10', code: `
    const d = mk(1, { gc: false }); const m = d.getMap('m'); const inner = new Y.Array()
    m.set('list', inner); inner.push(['x']); m.delete('list')
    return { doc: d, roots: { m: 'map' } }` },
  { name: 'text-deleted-no-gc', section: '10.10', code: `
    const d = mk(1, { gc: false }); const t = d.getText('text'); t.insert(0, 'abc'); t.delete(1, 1)
    return { doc: d, roots: { text: 'text' } }` },
  { name: 'nested-types-all-kinds', section: '3.6', kinds: ['Type:YArray', 'Type:YMap', 'Type:YText'], code: `
    const d = mk(9); const m = d.getMap('m')
    const arr = new Y.Array(), map = new Y.Map(), text = new Y.Text()
    m.set('arr', arr); m.set('map', map); m.set('text', text)
    arr.push([1, new Y.Map()]); arr.get(1).set('deep', 'yes'); map.set('t', new Y.Text()); map.get('t').insert(0, 'hi')
    text.insert(0, 'nested', { bold: true })
    return { doc: d, roots: { m: 'map' } }` },
  { name: 'text-bold-repeated-keys', section: '10.15', code: `
    const d = mk(1); const t = d.getText('t'); t.insert(0, 'abcdef'); t.format(0, 1, { bold: true }); t.format(3, 1, { bold: true })
    return { doc: d, roots: { t: 'text' }, delta: ['t'] }` },
  { name: 'text-format-bold', section: '10.11', kinds: ['Format', 'String'], code: `
    const d = mk(1); const t = d.getText('t'); t.insert(0, 'hello'); t.format(1, 2, { bold: true })
    return { doc: d, roots: { t: 'text' }, delta: ['t'] }` },
  { name: 'text-insert-italic-and-embed', section: '10.11', kinds: ['Embed', 'Format'], code: `
    const d = mk(1); const t = d.getText('t'); t.insert(0, 'ab', { italic: true }); t.insertEmbed(2, { image: 'x.png' })
    return { doc: d, roots: { t: 'text' }, delta: ['t'] }` },
  { name: 'text-insert-into-bold-no-attrs', section: '10.11', code: `
    const a = mk(1); const t = a.getText('t'); t.insert(0, 'abcd'); t.format(1, 2, { bold: true })
    const b = mk(2); sync(a, b); b.getText('t').insert(2, 'X')
    return { doc: b, roots: { t: 'text' }, delta: ['t'] }` },
  { name: 'text-insert-into-bold-empty-attrs', section: '10.11', code: `
    const a = mk(1); const t = a.getText('t'); t.insert(0, 'abcd'); t.format(1, 2, { bold: true })
    const b = mk(2); sync(a, b); b.getText('t').insert(2, 'X', {})
    return { doc: b, roots: { t: 'text' }, delta: ['t'] }` },
  { name: 'text-unformat-deletes-markers', section: '10.11', code: `
    const a = mk(1); const t = a.getText('t'); t.insert(0, 'abcd'); t.format(1, 2, { bold: true })
    const b = mk(2); sync(a, b); b.getText('t').applyDelta([{ retain: 1 }, { retain: 2, attributes: { bold: null } }])
    return { doc: b, roots: { t: 'text' }, delta: ['t'] }` },
  { name: 'text-concurrent-identical-format-cleanup', section: '10.11', code: `
    const a = mk(1), b = mk(2)
    a.getText('t').insert(0, 'hello'); sync(a, b)
    a.getText('t').format(0, 5, { bold: true }); b.getText('t').format(0, 5, { bold: true })
    sync(a, b) // b runs the formatting cleanup and emits a local delete-only update
    return { doc: b, roots: { t: 'text' }, delta: ['t'] }` },
  { name: 'text-format-past-end-appends-newline', section: '9.3', code: `
    const d = mk(3); const t = d.getText('t'); t.insert(0, 'ab'); t.format(1, 5, { color: '#f00' })
    return { doc: d, roots: { t: 'text' }, delta: ['t'] }` },
  { name: 'text-insert-negates-attributes-in-js-map-order', section: '9.3', code: `
    const d = mk(1); const t = d.getText('t')
    t.insert(0, 'ABCD', { italic: true, size: 14 }); t.format(1, 1, { italic: null })
    t.insert(3, 'x', { bold: true }) // current attributes are size, italic: italic was deleted and set again (JS Map order)
    return { doc: d, roots: { t: 'text' }, delta: ['t'] }` },
  { name: 'surrogate-pair-split-by-delete', section: '10.12', code: `
    const d = mk(1); const t = d.getText('t'); t.insert(0, 'a😀b'); t.delete(2, 1)
    return { doc: d, roots: { t: 'text' } }` },
  { name: 'surrogate-pair-split-by-insert', section: '10.12', code: `
    const a = mk(1); a.getText('t').insert(0, 'a😀b')
    const b = mk(2); sync(a, b); b.getText('t').insert(2, 'X')
    return { doc: b, roots: { t: 'text' } }` },
  { name: 'three-transactions-merged-in-store', section: '10.13', code: `
    const d = mk(1); const t = d.getText('t'); t.insert(0, 'a'); t.insert(1, 'b'); t.insert(2, 'c')
    return { doc: d, roots: { t: 'text' } }` },
  { name: 'two-clients-merge', section: '10.13', code: `
    const a = mk(1); a.getText('t').insert(0, 'hi')
    const b = mk(2); sync(a, b); b.getText('t').insert(2, '!'); b.getText('t').delete(0, 1)
    return { doc: b, roots: { t: 'text' } }` },
  { name: 'pending-struct-alone', section: '10.14', code: `
    const d = mk(50)
    Y.applyUpdate(d, unhex('01 01 01 02 84 01 01 01 63 00'))
    return { doc: d, roots: { t: 'text' }, inputs: ['01 01 01 02 84 01 01 01 63 00'] }` },
  { name: 'pending-struct-resolved', section: '10.14', code: `
    const d = mk(50); const ins = ['01 01 01 02 84 01 01 01 63 00', '01 01 01 00 04 01 01 74 01 61 00', '01 01 01 01 84 01 00 01 62 00']
    for (const u of ins) Y.applyUpdate(d, unhex(u))
    return { doc: d, roots: { t: 'text' }, inputs: ins }` },
  { name: 'pending-delete-set', section: '10.14', code: `
    const src = mk(60); src.getText('t').insert(0, 'xyz')
    const u0 = Y.encodeStateAsUpdate(src)
    const d = mk(62); const dsOnly = unhex('00 01 3c 01 00 01'); Y.applyUpdate(d, dsOnly)
    const mid = hex(Y.encodeStateAsUpdate(d)); Y.applyUpdate(d, u0)
    return { doc: d, roots: { t: 'text' }, inputs: ['00 01 3c 01 00 01', hex(u0)], extra: { stateWithOnlyPendingDelete: mid } }` },
  { name: 'xml-element-text-attribute', section: '10.16', kinds: ['Type:YXmlElement', 'Type:YXmlText', 'Type:YXmlFragment(root)'], code: `
    const d = mk(1); const f = d.getXmlFragment('xml'); const el = new Y.XmlElement('p')
    el.setAttribute('class', 'c'); el.insert(0, [new Y.XmlText('hi')]); f.insert(0, [el])
    return { doc: d, roots: { xml: 'xml' } }` },
  { name: 'xml-hook', section: '10.16', kinds: ['Type:YXmlHook'], code: `
    const d = mk(1); d.getXmlFragment('x').insert(0, [new Y.XmlHook('h')])
    return { doc: d, roots: { x: 'xml' } }` },
  { name: 'xml-nested-fragment-in-array', section: '3.6', kinds: ['Type:YXmlFragment'], code: `
    const d = mk(2); const frag = new Y.XmlFragment(); d.getArray('a').push([frag])
    frag.insert(0, [new Y.XmlElement('div'), new Y.XmlText('t')]); frag.get(1).insert(1, 'ext', { b: true })
    return { doc: d, roots: { a: 'array' } }` },
  { name: 'map-set-twice', section: '10.17', code: `
    const d = mk(1); const m = d.getMap('m'); m.set('k', 1); m.set('k', 2)
    return { doc: d, roots: { m: 'map' } }` },
  { name: 'insert-and-delete-one-transaction', section: '10.18', kinds: ['Deleted'], code: `
    const d = mk(1); d.transact(() => { d.getText('t').insert(0, 'abc'); d.getText('t').delete(1, 1) })
    return { doc: d, roots: { t: 'text' } }` },
  { name: 'subdoc-in-map', section: '10.19', kinds: ['Doc'], code: `
    const d = mk(1); d.getMap('m').set('doc', new Y.Doc({ guid: 'sub-1' }))
    return { doc: d, roots: { m: 'map' } }` },
  { name: 'subdoc-in-array-with-opts', section: '10.19', kinds: ['Doc'], code: `
    const d = mk(1); d.getArray('a').push([new Y.Doc({ guid: 'g', autoLoad: true, gc: false, meta: { k: 1 } })])
    return { doc: d, roots: { a: 'array' } }` },
  { name: 'legacy-content-json', section: '10.20', kinds: ['JSON'], code: `
    const u = '01 01 01 00 02 01 01 61 02 07 7b 22 78 22 3a 31 7d 09 75 6e 64 65 66 69 6e 65 64 00'
    const d = mk(70); Y.applyUpdate(d, unhex(u))
    return { doc: d, roots: { a: 'array' }, inputs: [u] }` },
  { name: 'legacy-content-json-split-by-delete', section: '10.20', kinds: ['JSON', 'Deleted'], code: `
    const u = '01 01 01 00 02 01 01 61 02 07 7b 22 78 22 3a 31 7d 09 75 6e 64 65 66 69 6e 65 64 00'
    const d = mk(71); Y.applyUpdate(d, unhex(u)); d.getArray('a').delete(0, 1)
    return { doc: d, roots: { a: 'array' } }` },
  { name: 'skip-from-merge-applied', section: '10.13', kinds: ['Skip'], code: `
    const u = hex(Y.mergeUpdates([unhex('01 01 01 00 04 01 01 74 01 61 00'), unhex('01 01 01 02 84 01 01 01 63 00')]))
    const d = mk(72); Y.applyUpdate(d, unhex(u))
    return { doc: d, roots: { t: 'text' }, inputs: [u] }` },
  { name: 'gc-struct-from-deleted-subtree', section: '6', kinds: ['GC'], code: `
    const d = mk(8); const a = d.getArray('a'); const m = new Y.Map(); a.push([m, 'keep'])
    m.set('x', 'y'); m.set('t', new Y.Text()); m.get('t').insert(0, 'inner'); a.delete(0, 1)
    return { doc: d, roots: { a: 'array' } }` },
  { name: 'text-emoji-newlines-multi-client', section: '3.7', code: `
    const a = mk(4294967295), b = mk(1)
    a.getText('t').insert(0, 'line1\\n👍🏽 ok\\n'); sync(a, b)
    b.getText('t').insert(6, '🎉'); a.getText('t').delete(0, 2); a.getText('t').insert(3, 'é\\n')
    sync(a, b); sync(b, a)
    return { doc: a, roots: { t: 'text' } }` }
]

// Doc-less cases (spec §7, §10.13, §10.17).
const u0 = '01 01 01 00 04 01 01 74 01 61 00', u1 = '01 01 01 01 84 01 00 01 62 00', u2 = '01 01 01 02 84 01 01 01 63 00'
const full = '01 01 01 00 04 01 01 74 03 61 62 63 00'
const m1 = '01 01 01 00 28 01 01 6d 01 6b 01 7d 01 00', m2 = '01 01 01 01 a8 01 00 01 7d 02 01 01 01 00 01'
// The same clock range as an Item in one input and a GC in another: yjs's mergeUpdates sorts its
// readers with a comparator that answers -1 both ways for (Item, GC), so the winner depends on
// input order and on V8's Array.prototype.sort (binary insertion for short arrays).
const item1 = '01 01 01 00 04 01 01 74 01 61 00', gc1 = '01 01 01 00 00 01 00'
const item3 = '01 01 01 00 04 01 01 74 03 61 62 63 00', gc3 = '01 01 01 00 00 03 00', none = '00 00'
const overlap = [[item1, gc1], [gc1, item1], [item3, gc1], [gc1, item3], [item1, gc3], [gc3, item1],
  [none, item1, gc1], [none, gc1, item1], [item1, none, gc1], [gc1, none, item1], [item1, gc1, item1], [gc1, item1, gc1],
  [item1, item1, gc1, gc1], [gc1, gc1, item1, item1], [item1, gc1, gc1, item1, item1]]
const docless = [
  ...overlap.map((inputs, i) => ({ name: `merge-item-vs-gc-same-clock-${i + 1}`, op: 'merge', inputs })),
  { name: 'merge-sequential', op: 'merge', inputs: [u0, u1, u2] },
  { name: 'merge-with-gap', op: 'merge', inputs: [u0, u2] },
  { name: 'merge-map-overwrite', op: 'merge', inputs: [m1, m2] },
  { name: 'diff-full-against-partial-sv', op: 'diff', inputs: [full], sv: '01 01 01' },
  { name: 'diff-full-against-empty-sv', op: 'diff', inputs: [full], sv: '00' },
  { name: 'merge-three-items-not-merged', op: 'merge', inputs: [u0, u1, u2] },
  { name: 'merge-gap-becomes-skip', op: 'merge', inputs: [u0, u2] },
  { name: 'merge-reversed-order', op: 'merge', inputs: [u2, u1, u0] },
  { name: 'merge-single-input-unchanged', op: 'merge', inputs: [u1] },
  { name: 'merge-drops-bit6', op: 'merge', inputs: [m1, m2] },
  { name: 'merge-two-clients', op: 'merge', inputs: ['01 01 01 00 04 01 01 74 02 68 69 00', '01 01 02 00 84 01 01 01 21 01 01 01 00 01'] },
  { name: 'diff-from-offset', op: 'diff', inputs: [full], sv: '01 01 01' },
  { name: 'diff-everything-known', op: 'diff', inputs: [full], sv: '01 01 03' },
  { name: 'diff-drops-bit6', op: 'diff', inputs: [m2], sv: '00' },
  { name: 'sv-from-update-with-skip', op: 'svFromUpdate', inputs: ['01 03 01 00 04 01 01 74 01 61 0a 01 84 01 01 01 63 00'] },
  { name: 'sv-from-update-not-starting-at-zero', op: 'svFromUpdate', inputs: [u2] },
  { name: 'sv-from-full-state', op: 'svFromUpdate', inputs: [full] }
]

// ---------------------------------------------------------------------------------------------

const runCase = c => {
  const made = []
  const mk = (id, opts) => {
    const d = new Y.Doc(opts); d.clientID = id
    const emitted = []
    d.on('update', (u, origin, _doc, tr) => emitted.push({ update: u, local: tr.local }))
    const emittedV2 = []
    d.on('updateV2', u => emittedV2.push(u))
    made.push(d)
    return Object.assign(d, { emittedLog: emitted, emittedV2Log: emittedV2 })
  }
  const sync = (a, b) => Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)), REMOTE)
  const r = new Function('Y', 'mk', 'sync', 'unhex', 'hex', c.code)(Y, mk, sync, unhex, hex)
  const d = r.doc
  const updates = d.emittedLog.map(e => hex(e.update))
  const inputs = r.inputs ?? updates
  const state = Y.encodeStateAsUpdate(d)
  // Replaying the inputs into a fresh doc must give the same state: that is what the C# test does.
  const replay = new Y.Doc({ gc: d.gc }); replay.clientID = 999999
  const replayUpdatesV2 = []
  replay.on('updateV2', u => replayUpdatesV2.push(hex(u)))
  for (const u of inputs) Y.applyUpdate(replay, unhex(u), REMOTE)
  const replayState = hex(Y.encodeStateAsUpdate(replay))
  // encodeStateAsUpdate against a partial state vector: what the first input alone knows.
  const firstSv = Y.encodeStateVectorFromUpdate(unhex(inputs[0]))
  const partial = { sv: hex(firstSv), update: hex(Y.encodeStateAsUpdate(replay, firstSv)) }
  const json = rootsToJson(d, r.roots)
  const out = {
    name: c.name,
    section: c.section,
    code: c.code.replace(/^\n/, '').split('\n').map(l => l.trim()).join('\n'),
    clientID: d.clientID,
    gc: d.gc,
    roots: r.roots,
    updates,
    localUpdates: d.emittedLog.map(e => e.local),
    inputs,
    state: hex(state),
    stateVector: hex(Y.encodeStateVector(d)),
    json: JSON.stringify(json),
    canonicalJson: canonical(json),
    reencoded: hex(Y.convertUpdateFormatV2ToV1(Y.convertUpdateFormatV1ToV2(state))),
    // mergeUpdates with a second, empty update re-encodes doc-less (a single input is returned as is).
    mergedWithEmpty: hex(Y.mergeUpdates([state, new Uint8Array([0, 0])])),
    stateV2: hex(Y.encodeStateAsUpdateV2(d)),
    svFromState: hex(Y.encodeStateVectorFromUpdate(state)),
    partial,
    kinds: [...new Set(dumpUpdate(state).structs.map(s => s.kind === 'Item' ? (s.content.kind === 'ContentType' ? `Type:${s.content.type}` : s.content.kind.replace(/^Content/, '')) : s.kind))].sort()
  }
  // Update format V2: the updateV2 events, the inputs as V2 (applied with applyUpdateV2 they must
  // give the same state), encodeStateAsUpdateV2 against the partial state vector, and the
  // doc-less V2 operations on the V2 state.
  const stateV2 = Y.encodeStateAsUpdateV2(d)
  const replayV2 = new Y.Doc({ gc: d.gc }); replayV2.clientID = 999999
  const inputsV2 = inputs.map(u => Y.convertUpdateFormatV1ToV2(unhex(u)))
  for (const u of inputsV2) Y.applyUpdateV2(replayV2, u, REMOTE)
  out.v2 = {
    updates: d.emittedV2Log.map(hex),
    // What the replaying doc emitted (updateV2) while applying the V1 inputs.
    replayUpdates: replayUpdatesV2,
    inputs: inputsV2.map(hex),
    replayState: hex(Y.encodeStateAsUpdateV2(replayV2)),
    replayStateV1: hex(Y.encodeStateAsUpdate(replayV2)),
    partial: hex(Y.encodeStateAsUpdateV2(replay, firstSv)),
    convertedState: hex(Y.convertUpdateFormatV1ToV2(state)),
    backToV1: hex(Y.convertUpdateFormatV2ToV1(stateV2)),
    mergedWithEmpty: hex(Y.mergeUpdatesV2([stateV2, Y.encodeStateAsUpdateV2(new Y.Doc())])),
    mergedInputs: hex(Y.mergeUpdatesV2(inputsV2.length === 1 ? [...inputsV2, Y.encodeStateAsUpdateV2(new Y.Doc())] : inputsV2)),
    diff: hex(Y.diffUpdateV2(stateV2, firstSv)),
    svFromState: hex(Y.encodeStateVectorFromUpdateV2(stateV2))
  }
  replayV2.destroy()
  if (replayState !== out.state) out.replayState = replayState
  // A replayed doc can legitimately differ from its author (a bigint beyond int64 wraps on the wire).
  const replayJson = JSON.stringify(rootsToJson(replay, r.roots))
  if (replayJson !== out.json) out.replayJson = replayJson
  if (r.delta) out.deltas = Object.fromEntries(r.delta.map(n => [n, JSON.stringify(toWire(d.getText(n).toDelta()))]))
  if (r.extra) out.extra = r.extra
  for (const x of made) x.destroy()
  replay.destroy()
  return out
}

const runDocless = c => {
  const ins = c.inputs.map(unhex)
  const result = c.op === 'merge' ? Y.mergeUpdates(ins) : c.op === 'diff' ? Y.diffUpdate(ins[0], unhex(c.sv)) : Y.encodeStateVectorFromUpdate(ins[0])
  // The same operation on the inputs converted to V2, with yjs's V2 functions.
  const ins2 = ins.map(u => Y.convertUpdateFormatV1ToV2(u))
  const resultV2 = c.op === 'merge' ? Y.mergeUpdatesV2(ins2) : c.op === 'diff' ? Y.diffUpdateV2(ins2[0], unhex(c.sv)) : Y.encodeStateVectorFromUpdateV2(ins2[0])
  return { ...c, result: hex(result), inputsV2: ins2.map(hex), resultV2: hex(resultV2) }
}

// Relative positions (yjs's createRelativePositionFromTypeIndex / encodeRelativePosition /
// relativePositionToJSON / createAbsolutePositionFromRelativePosition): every index of the type
// with assoc 0 and -1 on the doc `code` builds, then resolved again after `after` edits it.
const relposCases = [
  { name: 'root-text', path: ['t'], code: `
    const d = mk(1); const t = d.getText('t'); t.insert(0, 'hello world'); t.delete(2, 3); t.insert(4, 'XY', { bold: true })
    return d`, after: `
    const o = mk(2); sync(d, o); o.getText('t').insert(3, '123'); d.getText('t').delete(0, 4); d.getText('t').insert(0, 'ab'); sync(o, d)` },
  { name: 'root-array', path: ['a'], code: `
    const d = mk(7); const a = d.getArray('a'); a.push([1, 2, 3]); a.insert(1, ['x', 'y']); a.delete(0, 1)
    return d`, after: `
    d.getArray('a').delete(1, 2); d.getArray('a').push([9])` },
  { name: 'nested-text-in-map', path: ['m', 'inner'], code: `
    const d = mk(3); const m = d.getMap('m'); const inner = new Y.Text(); m.set('inner', inner); inner.insert(0, 'abc😀d')
    return d`, after: `
    d.getMap('m').get('inner').delete(1, 2)` },
  { name: 'nested-text-deleted-gc', path: ['m', 'inner'], code: `
    const d = mk(4); const m = d.getMap('m'); const inner = new Y.Text(); m.set('inner', inner); inner.insert(0, 'xyz')
    return d`, after: `
    d.getMap('m').delete('inner')` },
  { name: 'empty-root-text', path: ['e'], code: `
    const d = mk(5); d.getText('e')
    return d`, after: `
    d.getText('e').insert(0, 'late')` }
]
const runRelpos = c => {
  const mk = (id, opts) => { const d = new Y.Doc(opts); d.clientID = id; return d }
  const sync = (a, b) => Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)))
  const d = new Function('Y', 'mk', 'sync', c.code)(Y, mk, sync)
  const typeAt = doc => c.path.slice(1).reduce((t, k) => t.get(k), c.path.length === 1 ? (doc.share.get(c.path[0]) ?? doc.getText(c.path[0])) : doc.getMap(c.path[0]))
  const t = typeAt(d)
  const state = hex(Y.encodeStateAsUpdate(d))
  const positions = []
  for (let index = 0; index <= t.length + 1; index++) {
    for (const assoc of [0, -1]) {
      const r = Y.createRelativePositionFromTypeIndex(t, index, assoc)
      const now = Y.createAbsolutePositionFromRelativePosition(r, d)
      positions.push({ index, assoc, bytes: hex(Y.encodeRelativePosition(r)), json: JSON.stringify(Y.relativePositionToJSON(r)), nowIndex: now && now.index })
    }
  }
  new Function('Y', 'mk', 'sync', 'd', c.after)(Y, mk, sync, d)
  const afterState = hex(Y.encodeStateAsUpdate(d))
  for (const p of positions) {
    const a = Y.createAbsolutePositionFromRelativePosition(Y.decodeRelativePosition(unhex(p.bytes)), d)
    p.afterIndex = a === null ? null : a.index
    p.afterType = a === null ? null : (a.type._item ? `${a.type._item.id.client},${a.type._item.id.clock}` : 'root')
  }
  d.destroy()
  return { name: c.name, path: c.path, code: c.code.trim(), after: c.after.trim(), state, afterState, positions }
}

// Snapshots (gc off): Y.snapshot at several points of a doc's history, encoded V1 and V2; each
// restored with createDocFromSnapshot (new doc: gc off, clientID 0) — its state, JSON and text
// deltas — and the update createDocFromSnapshot applies (V1 and V2); equalSnapshots of every pair.
const snapshotCases = [
  { name: 'rich-text-embeds-nested', roots: { t: 'text', m: 'map', a: 'array' }, code: `
    const d = mk(1); const t = d.getText('t'); const m = d.getMap('m'); const a = d.getArray('a')
    t.insert(0, 'hello world'); t.format(0, 5, { bold: true }); snap()
    t.insertEmbed(5, { image: 'x.png' }, { italic: true }); t.delete(7, 3); m.set('k', 1); snap()
    const inner = new Y.Map(); m.set('inner', inner); inner.set('deep', new Y.Text('deep text')); a.push([1, 'two', new Y.Array()]); snap()
    t.format(2, 4, { bold: null, color: '#f00' }); m.delete('k'); a.delete(0, 1); inner.get('deep').insert(4, '!'); snap()
    m.delete('inner'); t.delete(0, 3); snap()
    return d` },
  { name: 'two-clients-concurrent', roots: { t: 'text' }, code: `
    const d = mk(5); const o = mk(2, { gc: false })
    d.getText('t').insert(0, 'abc'); sync(d, o); snap()
    o.getText('t').insert(1, 'XY'); d.getText('t').delete(0, 1); sync(o, d); sync(d, o); snap()
    o.getText('t').delete(1, 3); sync(o, d); snap()
    return d` },
  { name: 'xml', roots: { x: 'xml' }, code: `
    const d = mk(3); const f = d.getXmlFragment('x'); const el = new Y.XmlElement('p'); f.insert(0, [el]); el.setAttribute('class', 'a'); el.insert(0, [new Y.XmlText('hi')]); snap()
    el.setAttribute('class', 'b'); el.get(0).insert(2, ' there', { b: true }); f.insert(1, [new Y.XmlElement('h1')]); snap()
    f.delete(0, 1); snap()
    return d` }
]
const runSnapshots = c => {
  const snaps = []
  const mk = (id, opts = { gc: false }) => { const d = new Y.Doc(opts); d.clientID = id; return d }
  const sync = (a, b) => Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)))
  let doc = null
  const snap = () => snaps.push(Y.snapshot(doc))
  const body = c.code.replace(/const d = mk\(([0-9]+)\);/, (m, id) => `const d = mk(${id}); setDoc(d);`)
  let setDoc = d => { doc = d }
  const d = new Function('Y', 'mk', 'sync', 'snap', 'setDoc', body)(Y, mk, sync, snap, setDoc)
  const state = hex(Y.encodeStateAsUpdate(d))
  const out = snaps.map(s => {
    const updateV1 = hex(snapshotUpdate(d, s, new Y.UpdateEncoderV1()))
    const updateV2 = hex(snapshotUpdate(d, s, new Y.UpdateEncoderV2()))
    const nd = new Y.Doc({ gc: false }); nd.clientID = 0
    Y.createDocFromSnapshot(d, s, nd)
    const json = rootsToJson(nd, c.roots)
    const deltas = Object.fromEntries(Object.entries(c.roots).filter(([, k]) => k === 'text').map(([n]) => [n, JSON.stringify(toWire(nd.getText(n).toDelta()))]))
    const r = { v1: hex(Y.encodeSnapshot(s)), v2: hex(Y.encodeSnapshotV2(s)), updateV1, updateV2, restored: hex(Y.encodeStateAsUpdate(nd)), json: JSON.stringify(json), deltas }
    nd.destroy()
    return r
  })
  const equal = snaps.map(a => snaps.map(b => Y.equalSnapshots(a, b)))
  const originAfter = hex(Y.encodeStateAsUpdate(d))
  if (originAfter !== state) throw new Error(`${c.name}: createDocFromSnapshot changed the origin's encoding`)
  return { name: c.name, roots: c.roots, code: c.code.trim(), state, snapshots: out, equal }
}

const golden = {
  generatedBy: 'tests/Property/Golden/generate.mjs',
  versions: { yjs: versionOf('yjs'), lib0: versionOf('lib0'), 'y-protocols': versionOf('y-protocols') },
  cases: cases.map(runCase),
  docless: docless.map(runDocless),
  relativePositions: relposCases.map(runRelpos),
  snapshots: snapshotCases.map(runSnapshots)
}
writeFileSync(join(here, 'golden.json'), JSON.stringify(golden, null, 1) + '\n')
const allKinds = new Set(golden.cases.flatMap(c => c.kinds))
console.error(`golden.json: ${golden.cases.length} cases, ${golden.docless.length} doc-less; kinds: ${[...allKinds].sort().join(', ')}`)

// ---------------------------------------------------------------------------------------------
// Editing traces: each txn's patches in one yjs transaction, clientID 1, text root "text".
// ---------------------------------------------------------------------------------------------
const traceNames = ['automerge-paper', 'seph-blog1', 'sveltecomponent']
const manifest = []
for (const name of traceNames) {
  const trace = JSON.parse(gunzipSync(readFileSync(join(here, '..', '..', '..', 'benchmarks', 'Data', `${name}.json.gz`))).toString('utf8'))
  const d = new Y.Doc(); d.clientID = 1
  const t = d.getText('text')
  if (trace.startContent) t.insert(0, trace.startContent)
  let patches = 0
  for (const txn of trace.txns) {
    d.transact(() => {
      for (const [pos, del, ins] of txn.patches) {
        if (del > 0) t.delete(pos, del)
        if (ins) t.insert(pos, ins)
        patches++
      }
    })
  }
  const text = t.toString()
  if (text !== trace.endContent) throw new Error(`${name}: final text differs from endContent`)
  const update = Y.encodeStateAsUpdate(d)
  const updateFile = `${name}.yjs-update.bin.gz`
  writeFileSync(join(here, 'traces', updateFile), gzipSync(update, { level: 9 }))
  const updateV2 = Y.encodeStateAsUpdateV2(d)
  const updateV2File = `${name}.yjs-update-v2.bin.gz`
  writeFileSync(join(here, 'traces', updateV2File), gzipSync(updateV2, { level: 9 }))
  manifest.push({
    name,
    trace: `${name}.json.gz`,
    updateFile,
    transactions: trace.txns.length,
    patches,
    textLength: text.length,
    textSha256: sha256(Buffer.from(text, 'utf8')),
    updateLength: update.length,
    updateSha256: sha256(update),
    updateV2File,
    updateV2Length: updateV2.length,
    updateV2Sha256: sha256(updateV2),
    stateVector: hex(Y.encodeStateVector(d))
  })
  console.error(`${name}: ${trace.txns.length} txns, ${patches} patches, text ${text.length}, update ${update.length} bytes`)
  d.destroy()
}
writeFileSync(join(here, 'traces', 'traces.json'), JSON.stringify({ generatedBy: golden.generatedBy, versions: golden.versions, traces: manifest }, null, 1) + '\n')

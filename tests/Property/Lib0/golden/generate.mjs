// Golden vectors for JsJson and AnyCodec, printed by real JavaScript (node) and lib0 0.2.120.
// Regenerate: node tests/Property/Lib0/golden/generate.mjs > tests/Property/Lib0/golden/js-vectors.json
// (needs `npm ci` in tests/Property/oracle-js, whose node_modules this script borrows).
import { createRequire } from 'node:module'
const require = createRequire(new URL('../../oracle-js/package.json', import.meta.url))
const encoding = require('lib0/encoding')

const hex = u => Array.from(u, b => b.toString(16).padStart(2, '0')).join('')
const any = v => { const e = encoding.createEncoder(); encoding.writeAny(e, v); return hex(encoding.toUint8Array(e)) }
const bits = x => { const b = new DataView(new ArrayBuffer(8)); b.setFloat64(0, x); return hex(new Uint8Array(b.buffer)) }

// Deterministic xorshift so the file is reproducible.
let s = 0x9e3779b9 >>> 0
const rnd = () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s / 4294967296 }
const pick = a => a[Math.floor(rnd() * a.length)]

const numbers = [0, -0, 1, -1, 0.1, 100, 1e21, 1e-7, 0.000001, 123456789012345680000, 5e-324, 1.7976931348623157e308,
  1.5e300, 123e-20, 1e20, 999999999999999900000, 1e-6, 1.1e-6, 2 ** 31, -(2 ** 31), 2 ** 31 - 1, 2 ** 53, 2 ** 53 + 2,
  2 ** 63, -(2 ** 63), 2 ** 64, 0.5, 1 / 3, 2 / 3, 4.35, 0.3, 1e300 * 10, 2.5e-7, 123.456, -1e-300, 2.2250738585072014e-308,
  Math.PI, Math.E, 1.5, 65504, 3.4028234663852886e38, 1.401298464324817e-45, 1e15, 1e16, 1e17, 12345678901234567]
for (let i = 0; i < 600; i++) {
  // Random bit patterns cover every exponent; skip NaN/Infinity (printed as null, tested separately).
  const b = new DataView(new ArrayBuffer(8))
  b.setUint32(0, Math.floor(rnd() * 4294967296)); b.setUint32(4, Math.floor(rnd() * 4294967296))
  const x = b.getFloat64(0)
  if (Number.isFinite(x)) numbers.push(x)
}
for (let i = 0; i < 600; i++) {
  // Human-scale values: few digits, exponents around the plain/exponent boundaries.
  const digits = Math.floor(rnd() * 17) + 1
  const mantissa = Math.floor(rnd() * 10 ** digits)
  const exp = Math.floor(rnd() * 60) - 30
  numbers.push((rnd() < 0.5 ? -1 : 1) * Number(`${mantissa}e${exp}`))
  numbers.push(Math.fround(rnd() * 10 ** (Math.floor(rnd() * 20) - 10)))
}

const strings = ['', 'é\u2028<>&"\\\n\u0001\ud800', '\ud83d\ude00', '\udc00\ud800', '\u007f\u0080\u00ff', '/\b\f\r\t\u001f']
for (let i = 0; i < 300; i++) {
  let t = ''
  const n = Math.floor(rnd() * 12)
  for (let j = 0; j < n; j++) {
    const r = rnd()
    t += String.fromCharCode(r < 0.3 ? Math.floor(rnd() * 0x30) : r < 0.5 ? 0xd800 + Math.floor(rnd() * 0x800) : r < 0.7 ? Math.floor(rnd() * 0x10000) : 0x20 + Math.floor(rnd() * 0x60))
  }
  strings.push(t)
}
const str16 = t => Array.from({ length: t.length }, (_, i) => t.charCodeAt(i).toString(16).padStart(4, '0')).join('')

// Random nested values: objects with index-like keys (JS reorders them), bytes, bigints, undefined.
const KEYS = ['a', 'b', '0', '1', '10', '2', '4294967294', '4294967295', '01', '-1', 'é', '']
const value = depth => {
  const r = rnd()
  if (depth > 3 || r < 0.5) {
    return pick([null, undefined, true, false, 0, -0, 1, -7, 2 ** 31, 0.5, 1e21, 1e-7, NaN, Infinity, 'x', 'é😀', '',
      new Uint8Array([1, 2, 255]), new Uint8Array(0), 2n ** 63n, -5n, 123.456, 2 ** 53])
  }
  if (r < 0.75) return Array.from({ length: Math.floor(rnd() * 4) }, () => value(depth + 1))
  const o = {}
  for (let i = Math.floor(rnd() * 5); i > 0; i--) o[pick(KEYS)] = value(depth + 1)
  return o
}
const hasBigInt = v => typeof v === 'bigint' || (v !== null && typeof v === 'object' && !(v instanceof Uint8Array) && Object.values(v).some(hasBigInt))
const values = []
for (let i = 0; i < 300; i++) {
  const v = value(0)
  values.push({ any: any(v), json: hasBigInt(v) ? null : (JSON.stringify(v) ?? null) })
}

const out = {
  numbers: numbers.map(x => ({ bits: bits(x), json: JSON.stringify(x), any: any(x) })),
  strings: strings.map(t => ({ utf16: str16(t), json: JSON.stringify(t), any: any(t) }))
}
// One vector per line keeps diffs readable.
const lines = arr => arr.map(v => '  ' + JSON.stringify(v)).join(',\n')
process.stdout.write(`{\n "numbers": [\n${lines(out.numbers)}\n ],\n "strings": [\n${lines(out.strings)}\n ],\n "values": [\n${lines(values)}\n ]\n}\n`)

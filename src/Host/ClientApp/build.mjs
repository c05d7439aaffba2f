// Bundles the demo (and the SignalR provider it uses) into the Host's wwwroot: app.js + app.css,
// and the progress board: board.js + board.css.
// Run by ClientApp.targets before the Host builds; `node build.mjs` by hand works the same.
import * as esbuild from 'esbuild'
import { fileURLToPath } from 'node:url'
import path from 'node:path'

const here = path.dirname(fileURLToPath(import.meta.url))
const outdir = path.join(here, '..', 'wwwroot')

const result = await esbuild.build({
  entryPoints: { app: path.join(here, 'src', 'demo.js'), board: path.join(here, 'src', 'board.js') },
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: ['es2022'],
  minify: true,
  sourcemap: 'linked',
  outdir,
  metafile: true,
  logLevel: 'warning',
})

// y-codemirror.next and y-websocket import yjs themselves; two copies in one page break
// `instanceof` checks and Yjs warns about it, so the build fails unless exactly one is bundled.
const yjsCopies = new Set(
  Object.keys(result.metafile.inputs)
    .map((input) => input.match(/node_modules\/yjs\/(.*)$/)?.[1])
    .filter(Boolean),
)
if (yjsCopies.size !== 1) {
  console.error(`expected one yjs module in the bundle, found: ${[...yjsCopies].join(', ') || 'none'}`)
  process.exit(1)
}

const outputs = Object.entries(result.metafile.outputs)
  .filter(([file]) => !file.endsWith('.map'))
  .map(([file, { bytes }]) => `${path.basename(file)} ${(bytes / 1024).toFixed(0)} KB`)
console.log(`client bundle: ${outputs.join(', ')} (yjs: ${[...yjsCopies][0]})`)

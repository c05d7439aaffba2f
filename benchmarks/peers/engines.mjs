// One adapter per peer engine, all with the same shape, so run.mjs can time them uniformly.
//
//   local(trace)            -> handle   apply every trace patch as a local edit, one transaction per trace txn
//   text(handle)            -> string   materialise the document text (used only to verify, never timed)
//   encode(handle)          -> bytes    the whole document as one update / snapshot
//   load(bytes)             -> handle   a fresh document that has applied `encode`'s output
//   encodeV2(handle), loadV2(bytes)     the same in update format V2 (Yjs, Yrs; null where there is none)
//   capture(trace)          -> bytes[]  one small update per trace txn, as a sync server receives them
//   applyAll(updates)       -> handle   a fresh document that has applied `capture`'s output in order
//   free(handle)                        release wasm-side memory (wasm-bindgen objects are not GC'd)
//   wasmMemoryBytes()       -> number | null   size of the engine's WebAssembly linear memory
//
// Every trace patch is [pos, delCount, insText]: delete first, then insert at the same position.

import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

function forEachTxn(trace, onTxn) {
  for (const txn of trace.txns) onTxn(txn.patches);
}

// Yjs is imported as ESM: its CommonJS build (dist/yjs.cjs + lib0's .cjs) measured 5-6x slower on
// `local` here, and ESM is how Node applications load it.
const yjs = (Y) => {
  const newDoc = (clientID) => {
    const doc = new Y.Doc();
    doc.clientID = clientID;
    return doc;
  };
  const applyLocal = (doc, trace) => {
    const text = doc.getText('text');
    forEachTxn(trace, (patches) => {
      doc.transact(() => {
        for (const [pos, del, ins] of patches) {
          if (del > 0) text.delete(pos, del);
          if (ins.length > 0) text.insert(pos, ins);
        }
      });
    });
  };
  return {
    local(trace) {
      const doc = newDoc(1);
      applyLocal(doc, trace);
      return doc;
    },
    text: (doc) => doc.getText('text').toString(),
    encode: (doc) => Y.encodeStateAsUpdate(doc),
    encodeV2: (doc) => Y.encodeStateAsUpdateV2(doc),
    load(bytes) {
      const doc = newDoc(2);
      Y.applyUpdate(doc, bytes);
      return doc;
    },
    loadV2(bytes) {
      const doc = newDoc(2);
      Y.applyUpdateV2(doc, bytes);
      return doc;
    },
    capture(trace) {
      const doc = newDoc(1);
      const updates = [];
      doc.on('update', (u) => updates.push(u));
      applyLocal(doc, trace);
      return { updates, doc };
    },
    applyAll(updates) {
      const doc = newDoc(2);
      for (const u of updates) Y.applyUpdate(doc, u);
      return doc;
    },
    free: (doc) => doc.destroy(),
    wasmMemoryBytes: () => null,
  };
};

const ywasm = () => {
  const Yw = require('ywasm');
  const newDoc = (clientID) => new Yw.YDoc({ clientID, gc: true });
  const applyLocal = (doc, trace) => {
    const text = doc.getText('text');
    forEachTxn(trace, (patches) => {
      // ywasm commits a transaction when it is freed.
      const txn = doc.beginTransaction(undefined);
      try {
        for (const [pos, del, ins] of patches) {
          if (del > 0) text.delete(pos, del, txn);
          if (ins.length > 0) text.insert(pos, ins, undefined, txn);
        }
      } finally {
        txn.free();
      }
    });
  };
  return {
    local(trace) {
      const doc = newDoc(1);
      applyLocal(doc, trace);
      return doc;
    },
    text: (doc) => doc.getText('text').toString(undefined),
    encode: (doc) => Yw.encodeStateAsUpdate(doc),
    encodeV2: (doc) => Yw.encodeStateAsUpdateV2(doc),
    load(bytes) {
      const doc = newDoc(2);
      Yw.applyUpdate(doc, bytes, undefined);
      return doc;
    },
    loadV2(bytes) {
      const doc = newDoc(2);
      Yw.applyUpdateV2(doc, bytes, undefined);
      return doc;
    },
    capture(trace) {
      const doc = newDoc(1);
      const updates = [];
      const observer = doc.onUpdate((u) => updates.push(Uint8Array.from(u)));
      applyLocal(doc, trace);
      observer.free();
      return { updates, doc };
    },
    applyAll(updates) {
      const doc = newDoc(2);
      for (const u of updates) Yw.applyUpdate(doc, u, undefined);
      return doc;
    },
    free: (doc) => doc.free(),
    wasmMemoryBytes: () => Yw.__wasm.memory.buffer.byteLength,
  };
};

const diamondTypes = () => {
  const dt = require('diamond-types-node');
  // Doc = op log + checked-out text. diamond-types has no transaction concept: every ins/del is
  // its own operation; a trace txn only matters for `capture`, which cuts one patch per txn.
  const applyPatches = (doc, patches) => {
    for (const [pos, del, ins] of patches) {
      if (del > 0) doc.del(pos, del);
      if (ins.length > 0) doc.ins(pos, ins);
    }
  };
  return {
    local(trace) {
      const doc = new dt.Doc('a');
      forEachTxn(trace, (patches) => applyPatches(doc, patches));
      return doc;
    },
    text: (doc) => doc.get(),
    encode: (doc) => doc.toBytes(),
    encodeV2: null,
    loadV2: null,
    load: (bytes) => dt.Doc.fromBytes(bytes, 'b'),
    capture(trace) {
      const doc = new dt.Doc('a');
      const updates = [];
      forEachTxn(trace, (patches) => {
        const before = doc.getLocalVersion();
        applyPatches(doc, patches);
        updates.push(doc.getPatchSince(before));
      });
      return { updates, doc };
    },
    applyAll(updates) {
      const doc = new dt.Doc('b');
      for (const u of updates) doc.mergeBytes(u);
      return doc;
    },
    free: (doc) => doc.free(),
    wasmMemoryBytes: () => dt.__wasm.memory.buffer.byteLength,
  };
};

const jsonJoy = () => {
  const { Model } = require('json-joy/lib/json-crdt/index.js');
  const { Patch } = require('json-joy/lib/json-crdt-patch/index.js');
  // Logical-clock session ids must be >= 65536; fixed so runs are deterministic.
  const SID_LOCAL = 100001;
  const SID_REMOTE = 100002;
  // Returns the model (root = empty `str` node), its str API and the setup patch.
  const newStringModel = () => {
    const model = Model.create(undefined, SID_LOCAL);
    model.api.root('');
    const setup = model.api.flush();
    return { model, str: model.api.str([]), setup };
  };
  const applyPatches = (str, patches) => {
    for (const [pos, del, ins] of patches) {
      if (del > 0) str.del(pos, del);
      if (ins.length > 0) str.ins(pos, ins);
    }
  };
  return {
    local(trace) {
      const { model, str } = newStringModel();
      // flush() closes the pending patch: json-joy's transaction boundary.
      forEachTxn(trace, (patches) => {
        applyPatches(str, patches);
        model.api.flush();
      });
      return model;
    },
    text: (model) => model.view(),
    encode: (model) => model.toBinary(),
    encodeV2: null,
    loadV2: null,
    load: (bytes) => Model.fromBinary(bytes),
    capture(trace) {
      const { model, str, setup } = newStringModel();
      // The root-creation patch is the first update a receiver needs.
      const updates = [setup.toBinary()];
      forEachTxn(trace, (patches) => {
        applyPatches(str, patches);
        updates.push(model.api.flush().toBinary());
      });
      return { updates, doc: model };
    },
    applyAll(updates) {
      const model = Model.create(undefined, SID_REMOTE);
      for (const u of updates) model.applyPatch(Patch.fromBinary(u));
      return model;
    },
    free: () => {},
    wasmMemoryBytes: () => null,
  };
};

// Engines load lazily so that a worker process holds only the engine it measures.
const FACTORIES = {
  yjs: async () => yjs(await import('yjs')),
  ywasm: async () => ywasm(),
  dt: async () => diamondTypes(),
  jsonjoy: async () => jsonJoy(),
};

export const ENGINE_META = [
  { id: 'yjs', label: 'Yjs', pkg: 'yjs', wasm: false },
  { id: 'ywasm', label: 'Yrs (ywasm)', pkg: 'ywasm', wasm: true },
  { id: 'dt', label: 'diamond-types', pkg: 'diamond-types-node', wasm: true },
  { id: 'jsonjoy', label: 'json-joy', pkg: 'json-joy', wasm: false },
];
export const ENGINE_IDS = ENGINE_META.map((e) => e.id);

export async function loadEngine(id) {
  const factory = FACTORIES[id];
  if (!factory) throw new Error(`unknown engine '${id}' (known: ${ENGINE_IDS.join(', ')})`);
  return await factory();
}

// One stock Yjs provider (y-websocket's WebsocketProvider or @hocuspocus/provider's
// HocuspocusProvider, unpatched) connected to the sync server, driven by a test over stdin.
//
//   node client.mjs --transport ywebsocket|hocuspocus --url ws://127.0.0.1:PORT --doc ID [--name N] [--token JWT]
//
// The token goes where the stock providers put it: y-websocket's `params: { token }` (the
// `?token=` query of the upgrade), Hocuspocus's `token` option (its auth message).
//
// The test writes one JSON command per line to stdin and reads one JSON line per answer from
// stdout: {"id":…,"ok":true,…} or {"id":…,"ok":false,"error":"…"}. Unprompted lines are events
// ({"event":"synced"} once the first sync finished, {"event":"status",…}, {"event":"denied",reason}
// when the server refuses access or a write, {"event":"closed",code,reason} on a terminal close). Diagnostics go to
// stderr. The process exits when stdin closes, so a test that dies leaves no client behind.
//
// Commands (all waits take timeoutMs and answer ok:false when it passes):
//   state                          → {state: base64 V1 full state, stateVector: base64, text}
//   insert {index, text}           → one transaction inserting text into the root text "text"
//   edit {count, seed, intervalMs} → count random inserts/deletes, each its own transaction,
//                                    intervalMs apart, from a seeded generator → like state
//   waitText {includes: [..]}      → until the text contains every string
//   waitContains {update}          → until the document holds everything in a V1 update
//                                    (its structs and its deletions), so nothing would change
//                                    by applying it
//   waitSaved                      → hocuspocus: until the server acknowledged every update
//   awareness {state}              → set the local awareness state (JSON value)
//   waitAwareness {name, present}  → until a remote awareness state with user.name == name is
//                                    present (present: true) or absent (present: false)
//   quit                           → destroy the provider and exit
import * as Y from 'yjs';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import { HocuspocusProvider } from '@hocuspocus/provider';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import * as decoding from 'lib0/decoding';

const { values: args } = parseArgs({
  options: {
    transport: { type: 'string' },
    url: { type: 'string' },
    doc: { type: 'string' },
    name: { type: 'string', default: 'node' },
    token: { type: 'string' },
  },
});
if (!['ywebsocket', 'hocuspocus'].includes(args.transport) || !args.url || !args.doc) {
  process.stderr.write('usage: client.mjs --transport ywebsocket|hocuspocus --url ws://HOST:PORT --doc ID [--name N] [--token JWT]\n');
  process.exit(2);
}

const ydoc = new Y.Doc();
const text = ydoc.getText('text');
const log = (message) => process.stderr.write(`[${args.name}] ${message}\n`);
const emit = (obj) => process.stdout.write(JSON.stringify(obj) + '\n');

// Reconnect quickly: the restart test gives every client a few seconds to come back, and the
// providers' defaults (1 s doubling, jittered, up to 30 s) would make that a matter of luck.
let provider;
if (args.transport === 'ywebsocket') {
  provider = new WebsocketProvider(args.url + '/ws', args.doc, ydoc, {
    WebSocketPolyfill: WebSocket,
    disableBc: true,
    maxBackoffTime: 500,
    params: args.token ? { token: args.token } : {},
  });
  // The server's auth frame (permission denied: a refused write, a downgrade to read-only).
  provider.messageHandlers[2] = (_encoder, decoder) => {
    decoding.readVarUint(decoder);
    const reason = decoding.readVarString(decoder);
    log(`permission denied: ${reason}`);
    emit({ event: 'denied', reason });
  };
  provider.on('closed', ({ code, reason }) => emit({ event: 'closed', code, reason }));
  provider.on('sync', (synced) => { if (synced) onSynced(); });
  provider.on('status', ({ status }) => emit({ event: 'status', status }));
} else {
  provider = new HocuspocusProvider({
    url: args.url + '/hocuspocus',
    name: args.doc,
    document: ydoc,
    token: args.token ?? null,
    WebSocketPolyfill: WebSocket,
    delay: 100,
    minDelay: 100,
    maxDelay: 500,
    factor: 2,
    jitter: false,
  });
  provider.on('synced', ({ state }) => { if (state) onSynced(); });
  provider.on('status', ({ status }) => emit({ event: 'status', status }));
  provider.on('authenticationFailed', ({ reason }) => {
    log(`authentication failed: ${reason}`);
    emit({ event: 'denied', reason });
  });
}
const awareness = provider.awareness;

let announcedSync = false;
function onSynced() {
  if (!announcedSync) {
    announcedSync = true;
    emit({ event: 'synced' });
  }
}

const b64 = (bytes) => Buffer.from(bytes).toString('base64');
const unb64 = (s) => new Uint8Array(Buffer.from(s, 'base64'));

function snapshot() {
  return { state: b64(Y.encodeStateAsUpdate(ydoc)), stateVector: b64(Y.encodeStateVector(ydoc)), text: text.toString() };
}

// True when applying `update` to this document would change nothing: a probe holding this
// document's state takes the update without emitting one and without anything left pending
// (a struct whose dependencies are missing is pending, not held).
function contains(update) {
  const probe = new Y.Doc();
  Y.applyUpdate(probe, Y.encodeStateAsUpdate(ydoc));
  let changed = false;
  probe.on('update', () => { changed = true; });
  Y.applyUpdate(probe, update);
  const pending = probe.store.pendingStructs !== null || probe.store.pendingDs !== null;
  probe.destroy();
  return !changed && !pending;
}

// mulberry32: small, seedable, identical on every Node version.
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function randomEdits(count, seed, intervalMs) {
  const next = rng(seed);
  const alphabet = 'abcdefghijklmnopqrstuvwxyz ';
  for (let i = 0; i < count; i++) {
    const length = text.length;
    if (length > 0 && next() < 0.3) {
      const index = Math.floor(next() * length);
      const n = Math.min(length - index, 1 + Math.floor(next() * 3));
      text.delete(index, n);
    } else {
      const index = Math.floor(next() * (length + 1));
      let s = '';
      const n = 1 + Math.floor(next() * 5);
      for (let k = 0; k < n; k++) s += alphabet[Math.floor(next() * alphabet.length)];
      text.insert(index, s);
    }
    if (intervalMs > 0) await sleep(intervalMs);
  }
}

// Re-checks `condition` on every document or awareness change and on a short timer (the
// providers' own state, e.g. unsynced changes, changes without a document event).
function waitFor(condition, timeoutMs, what) {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (condition()) {
        cleanup();
        resolve();
      }
    };
    const timer = setInterval(check, 25);
    const deadline = setTimeout(() => {
      cleanup();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`));
    }, timeoutMs);
    const cleanup = () => {
      clearInterval(timer);
      clearTimeout(deadline);
      ydoc.off('update', check);
      awareness.off('change', check);
    };
    ydoc.on('update', check);
    awareness.on('change', check);
    check();
  });
}

function remoteNames() {
  const names = [];
  for (const [clientId, state] of awareness.getStates()) {
    if (clientId !== ydoc.clientID && state?.user?.name) names.push(state.user.name);
  }
  return names;
}

async function handle(cmd) {
  const timeoutMs = cmd.timeoutMs ?? 20000;
  switch (cmd.cmd) {
    case 'state':
      return snapshot();
    case 'insert':
      text.insert(cmd.index, cmd.text);
      return snapshot();
    case 'edit':
      await randomEdits(cmd.count, cmd.seed, cmd.intervalMs ?? 0);
      return snapshot();
    case 'waitText':
      await waitFor(() => cmd.includes.every((s) => text.toString().includes(s)), timeoutMs, `text including ${JSON.stringify(cmd.includes)}`);
      return snapshot();
    case 'waitContains': {
      const update = unb64(cmd.update);
      await waitFor(() => contains(update), timeoutMs, 'the given update');
      return snapshot();
    }
    case 'waitSaved':
      if (args.transport !== 'hocuspocus') throw new Error('y-websocket has no acknowledgements');
      await waitFor(() => !provider.hasUnsyncedChanges, timeoutMs, 'no unsynced changes');
      return snapshot();
    case 'awareness':
      awareness.setLocalState(cmd.state);
      return {};
    case 'waitAwareness': {
      const present = cmd.present ?? true;
      await waitFor(() => remoteNames().includes(cmd.name) === present, timeoutMs, `awareness of ${cmd.name} ${present ? 'present' : 'absent'}`);
      return { names: remoteNames() };
    }
    case 'quit':
      provider.destroy();
      return {};
    default:
      throw new Error(`unknown command ${cmd.cmd}`);
  }
}

// Commands run one at a time, in order, so a test's sequence of edits and waits is the
// sequence the document sees.
let queue = Promise.resolve();
const lines = createInterface({ input: process.stdin });
lines.on('line', (line) => {
  if (!line.trim()) return;
  queue = queue.then(async () => {
    let cmd;
    try {
      cmd = JSON.parse(line);
      const result = await handle(cmd);
      emit({ id: cmd.id, ok: true, ...result });
      if (cmd.cmd === 'quit') process.exit(0);
    } catch (e) {
      emit({ id: cmd?.id ?? null, ok: false, error: String(e?.message ?? e) });
    }
  });
});
lines.on('close', () => {
  provider.destroy();
  process.exit(0);
});

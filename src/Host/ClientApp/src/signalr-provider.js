// A Yjs provider over the CrdtCollab SignalR hub (docs/protocol.md, "SignalR hub /hubs/sync").
//
// Unlike y-websocket, the hub acknowledges every Update only after PostgreSQL committed it, so
// this provider can tell "saving…" from "all changes saved". Local updates are kept until their
// invocation resolves; whatever was not acknowledged (a dropped connection, a `not-saved:` error)
// is sent again, merged with the state-vector diff, on the next Join or Sync, so nothing is lost.
//
// Access: `accessTokenFactory` supplies the bearer token for every connection attempt (SignalR
// sends it as the `access_token` query on WebSockets); `onUnauthorized` is awaited after a 401
// before the next attempt, so the page can fetch a fresh token. `role` is the user's role on the
// document (from the Join and the hub's `role` messages, emitted as 'role'); while it cannot
// write, local updates are kept, not sent, and go out with a Sync once it can. `revoked` (the
// hub's message, or a Join refused with `forbidden:`) is terminal: the provider emits 'revoked'
// with the reason and stops connecting.

import * as Y from 'yjs'
import * as signalR from '@microsoft/signalr'
import { ObservableV2 } from 'lib0/observable'
import { fromBase64, toBase64 } from 'lib0/buffer'
import * as awarenessProtocol from 'y-protocols/awareness'

/** Backoff for reconnects and retries: doubles from 250 ms to 10 s, with jitter so that clients
 * dropped together by a server restart do not come back in lockstep. */
export const backoffDelay = (attempt, random = Math.random) => {
  const ceiling = Math.min(10_000, 250 * 2 ** Math.min(attempt, 16))
  return Math.round(ceiling / 2 + random() * ceiling / 2)
}

// The smallest V1 update: no structs, empty delete set. Sending it would only cost a round trip.
const isEmptyUpdate = (update) => update.length <= 2 && update.every((b) => b === 0)

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms))

export class SignalRProvider extends ObservableV2 {
  /**
   * @param {string} serverUrl the hub's URL, e.g. `location.origin + '/hubs/sync'`
   * @param {string} documentId
   * @param {Y.Doc} doc
   * @param {{ awareness?: awarenessProtocol.Awareness, connect?: boolean,
   *           protocol?: signalR.IHubProtocol,
   *           accessTokenFactory?: () => string | Promise<string>,
   *           onUnauthorized?: () => Promise<void> }} [options]
   *   `protocol` defaults to SignalR's JSON protocol; a MessagePack protocol instance works too.
   */
  constructor (serverUrl, documentId, doc, { awareness = new awarenessProtocol.Awareness(doc), connect = true, protocol, accessTokenFactory, onUnauthorized } = {}) {
    super()
    this.serverUrl = serverUrl
    this.documentId = documentId
    this.doc = doc
    this.awareness = awareness
    /** 'connecting' | 'connected' | 'disconnected' */
    this.status = 'disconnected'
    this.shouldConnect = false
    /** The hub's stream version of the document after the newest acknowledged update. */
    this.savedVersion = -1
    /** The last failed invocation's error (`not-saved: …` etc.), cleared by the next ack or Join. */
    this.lastError = null
    /** The user's role on the document: 'viewer' | 'commenter' | 'editor' | 'owner', null before the Join. */
    this.role = null
    /** Why access ended (a `revoked` message or a refused Join); null while it has not. */
    this.revoked = null
    this._onUnauthorized = onUnauthorized
    this._synced = false
    this._joined = false
    this._attempt = 0
    this._rejoinNeeded = false
    /** Local updates are numbered; _sentSeq is the newest one already part of an invocation. */
    this._seq = 0
    this._sentSeq = 0
    /** @type {Map<number, Uint8Array>} local updates not yet acknowledged, by sequence number */
    this._unacked = new Map()
    this._inFlight = 0
    this._retryTimer = null
    this._connectLoop = null

    const hubProtocol = protocol ?? new signalR.JsonHubProtocol()
    // The JSON protocol carries byte[] as base64 strings; a Uint8Array would be serialised as an
    // object of indices, so binary arguments are encoded by hand for it.
    this._encode = hubProtocol.name === 'json' ? toBase64 : (bytes) => bytes
    this.connection = new signalR.HubConnectionBuilder()
      .withUrl(serverUrl, accessTokenFactory ? { accessTokenFactory } : {})
      .withHubProtocol(hubProtocol)
      .configureLogging(signalR.LogLevel.None)
      .build()
    this.connection.on('update', (id, update) => {
      if (id === this.documentId) {
        Y.applyUpdate(this.doc, decodeBinary(update), this)
      }
    })
    this.connection.on('awareness', (id, update) => {
      if (id === this.documentId) {
        awarenessProtocol.applyAwarenessUpdate(this.awareness, decodeBinary(update), this)
      }
    })
    this.connection.on('role', (id, role) => {
      if (id === this.documentId) this._setRole(role)
    })
    this.connection.on('revoked', (id, reason) => {
      if (id === this.documentId) this._revoke(reason || 'access revoked')
    })
    this.connection.onclose(() => this._onConnectionLost())

    this._onDocUpdate = (update, origin) => {
      if (origin !== this) {
        this._trackLocalUpdate(update)
      }
    }
    this._onAwarenessUpdate = ({ added, updated, removed }, origin) => {
      // Only this client's own state goes to the server; remote states that time out locally are
      // the server's business (it removes a departed connection's states itself).
      const own = this.awareness.clientID
      if (origin !== this && (added.includes(own) || updated.includes(own) || removed.includes(own))) {
        this._sendAwareness()
      }
    }
    this._onPageHide = () => {
      awarenessProtocol.removeAwarenessStates(this.awareness, [this.awareness.clientID], 'window unload')
    }
    doc.on('update', this._onDocUpdate)
    awareness.on('update', this._onAwarenessUpdate)
    if (typeof window !== 'undefined') {
      window.addEventListener('pagehide', this._onPageHide)
    }
    if (connect) {
      this.connect()
    }
  }

  get synced () { return this._synced }

  /** Whether local updates may be sent: editor or owner (or no role reported, from a server without roles). */
  get canWrite () { return this.role === null || this.role === 'editor' || this.role === 'owner' }

  set synced (value) {
    if (this._synced !== value) {
      this._synced = value
      this.emit('synced', [value])
      this.emit('sync', [value])
    }
  }

  /** Local updates the server has not acknowledged yet (including those made while offline). */
  get unsavedCount () { return this._unacked.size }

  /** 'saved' | 'saving' | 'unsaved': unsaved means changes are kept locally, waiting for a
   * connection or a retry after the server could not store them. */
  get savedState () {
    if (this._unacked.size === 0) return 'saved'
    return this._joined && this.lastError === null ? 'saving' : 'unsaved'
  }

  connect () {
    if (this.revoked !== null) return
    this.shouldConnect = true
    if (this._connectLoop === null && this.connection.state === signalR.HubConnectionState.Disconnected) {
      this._connectLoop = this._runConnectLoop().finally(() => { this._connectLoop = null })
    }
  }

  async disconnect () {
    this.shouldConnect = false
    clearTimeout(this._retryTimer)
    this._retryTimer = null
    if (this._joined) {
      // Leave removes this connection's awareness states on the server and tells the others.
      await this.connection.invoke('Leave', this.documentId).catch(() => {})
    }
    await this.connection.stop()
  }

  destroy () {
    this.disconnect()
    this.doc.off('update', this._onDocUpdate)
    this.awareness.off('update', this._onAwarenessUpdate)
    if (typeof window !== 'undefined') {
      window.removeEventListener('pagehide', this._onPageHide)
    }
    super.destroy()
  }

  async _runConnectLoop () {
    while (this.shouldConnect) {
      this._setStatus('connecting')
      try {
        await this.connection.start()
        await this._join()
        this._attempt = 0
        return
      } catch (error) {
        // A connection that started but whose Join failed is stopped so the next attempt starts
        // clean; stop() on an already closed connection is a no-op.
        await this.connection.stop().catch(() => {})
        const message = String(error?.message ?? error)
        if (message.includes('forbidden:')) {
          // No role on the document: retrying would only be refused again.
          this._revoke(message.slice(message.indexOf('forbidden:')))
          break
        }
        if (!this.shouldConnect) break
        this._setStatus('disconnected')
        // A refused negotiation loses the HttpError's status code; its message keeps it.
        if (this._onUnauthorized && (error?.statusCode === 401 || /\b401\b|Unauthorized/.test(message))) {
          await this._onUnauthorized().catch(() => {})
        }
        await sleep(backoffDelay(this._attempt++))
      }
    }
  }

  async _join () {
    const result = await this.connection.invoke('Join', this.documentId, this._encode(Y.encodeStateVector(this.doc)))
    this._joined = true
    this._rejoinNeeded = false
    this.lastError = null
    const role = field(result, 'role')
    if (role) this._setRole(role)
    Y.applyUpdate(this.doc, decodeBinary(field(result, 'update')), this)
    const awarenessUpdate = decodeBinary(field(result, 'awareness'))
    if (awarenessUpdate.length > 0) {
      awarenessProtocol.applyAwarenessUpdate(this.awareness, awarenessUpdate, this)
    }
    this._sendResyncDiff(decodeBinary(field(result, 'stateVector')))
    this._sendAwareness()
    this._setStatus('connected')
    this.synced = true
  }

  /** After a retryable hub error on a live connection: a Sync, or a Join if the server no longer
   * counts this connection as joined. Both re-send everything unacknowledged. */
  async _recover () {
    if (!this._joined) return
    try {
      if (this._rejoinNeeded) {
        await this._join()
        return
      }
      const result = await this.connection.invoke('Sync', this.documentId, this._encode(Y.encodeStateVector(this.doc)))
      Y.applyUpdate(this.doc, decodeBinary(field(result, 'update')), this)
      this._sendResyncDiff(decodeBinary(field(result, 'stateVector')))
    } catch (error) {
      this._onHubError(error)
    }
  }

  /** Sends what the server lacks plus every unacknowledged update. The unacknowledged ones are
   * included even when the server's state vector already covers them: the server may hold them
   * only in memory, and its ack of a repeat comes once the original is committed, which is the
   * only way to learn they are saved. */
  _sendResyncDiff (serverStateVector) {
    if (!this.canWrite) {
      // Read-only: kept, and sent by the Sync that follows a writable role.
      this._sentSeq = 0
      return
    }
    const diff = Y.encodeStateAsUpdate(this.doc, serverStateVector)
    const seqs = [...this._unacked.keys()]
    const updates = [...this._unacked.values()]
    if (!isEmptyUpdate(diff)) {
      updates.push(diff)
    }
    this._sentSeq = this._seq
    if (updates.length > 0) {
      this._invokeUpdate(updates.length === 1 ? updates[0] : Y.mergeUpdates(updates), seqs)
    }
  }

  _trackLocalUpdate (update) {
    this._unacked.set(++this._seq, update)
    this._flush()
    this._emitSaved()
  }

  /** One Update in flight at a time: what is typed meanwhile goes out merged when the ack comes,
   * so a fast typist costs one stored event per round trip rather than one per keystroke. While
   * disconnected or after a hub error nothing is flushed; the rejoin or recovery sends it all. */
  _flush () {
    if (!this._joined || this._inFlight > 0 || this.lastError !== null || !this.canWrite) return
    const seqs = [...this._unacked.keys()].filter((seq) => seq > this._sentSeq)
    if (seqs.length === 0) return
    this._sentSeq = seqs[seqs.length - 1]
    const updates = seqs.map((seq) => this._unacked.get(seq))
    this._invokeUpdate(updates.length === 1 ? updates[0] : Y.mergeUpdates(updates), seqs)
  }

  _invokeUpdate (update, seqs) {
    this._inFlight++
    this._emitSaved()
    this.connection.invoke('Update', this.documentId, this._encode(update)).then((ack) => {
      for (const seq of seqs) this._unacked.delete(seq)
      this.savedVersion = Math.max(this.savedVersion, Number(field(ack, 'version')))
      this.lastError = null
      this._attempt = 0
    }, (error) => this._onHubError(error)).finally(() => {
      this._inFlight--
      this._flush()
      this._emitSaved()
    })
  }

  /** A failed invocation keeps its updates in _unacked. A dropped connection re-sends them on the
   * rejoin; `not-saved:` (storage unavailable, backlog full) and `not-joined:` are retried with
   * backoff; anything else (`too-large:`, `invalid-update:`) would fail again the same way, so it
   * waits for the next connection, and the page shows the changes as not saved meanwhile. */
  _onHubError (error) {
    const message = String(error?.message ?? error)
    this.lastError = message
    this.emit('error', [error])
    if (this.connection.state !== signalR.HubConnectionState.Connected) return
    if (message.includes('not-joined:')) {
      this._rejoinNeeded = true
    }
    if (message.includes('not-saved:') || message.includes('not-joined:')) {
      this._scheduleRetry()
    }
  }

  _scheduleRetry () {
    if (this._retryTimer !== null || !this.shouldConnect) return
    this._retryTimer = setTimeout(() => {
      this._retryTimer = null
      this._recover()
    }, backoffDelay(this._attempt++))
  }

  _setRole (role) {
    if (this.role === role) return
    const couldWrite = this.canWrite
    this.role = role
    this.emit('role', [role])
    if (!couldWrite && this.canWrite && this._joined) {
      // Writable again: a Sync sends everything kept meanwhile.
      this.lastError = null
      this._recover()
    }
  }

  _revoke (reason) {
    if (this.revoked !== null) return
    this.revoked = reason
    this.shouldConnect = false
    this._joined = false
    clearTimeout(this._retryTimer)
    this._retryTimer = null
    this.connection.stop().catch(() => {})
    this._setStatus('disconnected')
    this.emit('revoked', [reason])
  }

  _sendAwareness () {
    if (!this._joined) return
    const update = awarenessProtocol.encodeAwarenessUpdate(this.awareness, [this.awareness.clientID])
    // Awareness is best effort: a lost one is superseded by the next state or the Join.
    this.connection.invoke('Awareness', this.documentId, this._encode(update)).catch(() => {})
  }

  _onConnectionLost () {
    this._joined = false
    clearTimeout(this._retryTimer)
    this._retryTimer = null
    this.synced = false
    // Remote states would linger as ghost cursors; the Join brings back the current ones.
    const others = [...this.awareness.getStates().keys()].filter((id) => id !== this.awareness.clientID)
    awarenessProtocol.removeAwarenessStates(this.awareness, others, this)
    this._setStatus('disconnected')
    this._emitSaved()
    if (this.shouldConnect) {
      this.connect()
    }
  }

  _setStatus (status) {
    if (this.status !== status) {
      this.status = status
      this.emit('status', [{ status }])
    }
  }

  _emitSaved () {
    this.emit('saved', [{ state: this.savedState, unsavedCount: this.unsavedCount, savedVersion: this.savedVersion }])
  }
}

// JSON gives base64 strings, MessagePack gives Uint8Array.
const decodeBinary = (value) => {
  if (value == null) return new Uint8Array(0)
  return typeof value === 'string' ? fromBase64(value) : new Uint8Array(value)
}

// JSON results are camelCase; MessagePack results keep the C# property names.
const field = (result, name) => result[name] ?? result[name[0].toUpperCase() + name.slice(1)]

// The CrdtCollab demo: a document list and a collaborative CodeMirror 6 editor, synced either
// through the SignalR hub (with save acknowledgements) or the stock y-websocket provider.
//
// Sign-in is by name: POST /auth/dev-token (the server's embedded issuer) returns a JWT, kept in
// localStorage and refreshed when it nears expiry or a request answers 401. It goes to REST as a
// bearer header, to the hub through `accessTokenFactory` and to y-websocket as `?token=`. A
// server with an external issuer has no dev-token endpoint; the page says so and takes a pasted
// token instead. The user's role on the open document is shown; viewers get a read-only editor,
// and a revoked user's page stops syncing and says so.

import './styles.css'
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import { EditorState, Compartment } from '@codemirror/state'
import { EditorView, keymap, highlightActiveLine, drawSelection, placeholder } from '@codemirror/view'
import { defaultKeymap, indentWithTab } from '@codemirror/commands'
import { syntaxHighlighting, HighlightStyle } from '@codemirror/language'
import { tags } from '@lezer/highlight'
import { markdown } from '@codemirror/lang-markdown'
import { searchKeymap, highlightSelectionMatches } from '@codemirror/search'
import { yCollab, yUndoManagerKeymap } from 'y-codemirror.next'
import * as decoding from 'lib0/decoding'
import { SignalRProvider } from './signalr-provider.js'

const $ = (selector) => document.querySelector(selector)

const COLORS = ['#e5484d', '#f76b15', '#ffb224', '#30a46c', '#12a594', '#0090ff', '#6e56cf', '#d6409f']
const ADJECTIVES = ['Swift', 'Quiet', 'Bright', 'Clever', 'Bold', 'Calm', 'Keen', 'Merry', 'Brave', 'Nimble']
const ANIMALS = ['Otter', 'Heron', 'Lynx', 'Falcon', 'Badger', 'Marten', 'Ibis', 'Orca', 'Puffin', 'Gecko']
const USER_KEY = 'crdtcollab.user'
const AUTH_KEY = 'crdtcollab.auth'
const TRANSPORT_KEY = 'crdtcollab.transport'

// --- the local user, remembered across visits -----------------------------------------------

const loadUser = () => {
  try {
    const saved = JSON.parse(localStorage.getItem(USER_KEY))
    if (saved?.name && saved?.color) return saved
  } catch { /* a corrupt entry is replaced below */ }
  const pick = (list) => list[Math.floor(Math.random() * list.length)]
  return { name: `${pick(ADJECTIVES)} ${pick(ANIMALS)}`, color: pick(COLORS) }
}

let user = loadUser()

// --- signing in -------------------------------------------------------------------------------

/** Thrown when the server has no POST /auth/dev-token (it trusts an external issuer). */
class SignInUnavailable extends Error {}

/** @type {null | { name: string, token: string, external: boolean }} */
let auth = (() => {
  try {
    const saved = JSON.parse(localStorage.getItem(AUTH_KEY))
    if (saved?.name && saved?.token) return saved
  } catch { /* signed out */ }
  return null
})()

const jwtClaims = (token) => {
  try {
    const payload = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')
    return JSON.parse(decodeURIComponent(escape(atob(payload))))
  } catch {
    return {}
  }
}

const setAuth = (value) => {
  auth = value
  if (value) localStorage.setItem(AUTH_KEY, JSON.stringify(value))
  else localStorage.removeItem(AUTH_KEY)
}

const requestToken = async (name) => {
  const response = await fetch('/auth/dev-token', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ name }),
  })
  if (response.status === 404 || response.status === 405) throw new SignInUnavailable('no dev-token endpoint')
  if (!response.ok) {
    const problem = await response.json().catch(() => ({}))
    throw new Error(problem.detail ? `Names are ${problem.detail}.` : `Sign-in failed (HTTP ${response.status}).`)
  }
  return (await response.json()).token
}

const signIn = async (name) => {
  setAuth({ name, token: await requestToken(name), external: false })
  user = { ...user, name }
  localStorage.setItem(USER_KEY, JSON.stringify(user))
}

// One refresh at a time, however many requests hit a 401 together.
let refreshing = null
const refreshToken = () => {
  if (!auth || auth.external) return Promise.resolve(false)
  refreshing ??= requestToken(auth.name).then((token) => {
    setAuth({ ...auth, token })
    return true
  }, (error) => {
    if (error instanceof SignInUnavailable) showSignIn({ external: true })
    return false
  }).finally(() => { refreshing = null })
  return refreshing
}

/** The current token, renewed first when it expires within a minute (dev tokens last 12 h). */
const freshToken = async () => {
  const exp = auth ? jwtClaims(auth.token).exp : undefined
  if (auth && !auth.external && typeof exp === 'number' && exp * 1000 - Date.now() < 60_000) await refreshToken()
  return auth?.token ?? ''
}

/** fetch with the bearer token; a 401 gets one fresh token and one retry. */
const api = async (url, init = {}) => {
  const send = () => fetch(url, { ...init, headers: { accept: 'application/json', ...init.headers, authorization: `Bearer ${auth?.token ?? ''}` } })
  let response = await send()
  if (response.status === 401 && await refreshToken()) response = await send()
  if (response.status === 401) showSignIn({ message: 'Your sign-in is no longer accepted. Please sign in again.', external: auth?.external })
  return response
}

const saveUser = () => {
  localStorage.setItem(USER_KEY, JSON.stringify(user))
  renderUser()
  session?.awareness.setLocalStateField('user', awarenessUser())
}

// y-codemirror.next draws selections in colorLight, carets and name tags in color. Its caret
// widget compares only the colour, so after a rename the others would keep the old name tag;
// alternating between two spellings of the same colour (#rrggbb, #rrggbbff) makes them redraw it.
let colorSpelling = ''
const awarenessUser = () => ({ name: user.name, color: user.color + colorSpelling, colorLight: user.color + '33' })

const initials = (name) => name.split(/\s+/).filter(Boolean).slice(0, 2).map((w) => w[0].toUpperCase()).join('') || '?'

const renderUser = () => {
  const avatar = $('#user-avatar')
  avatar.textContent = initials(user.name)
  avatar.style.background = user.color
  const field = $('#user-name')
  if (document.activeElement !== field) field.value = user.name
  field.title = auth?.external
    ? `Signed in as ${user.name} with an external token`
    : 'Signed in by name. Type another name and press Enter to sign in as that user.'
  field.readOnly = Boolean(auth?.external)
}

// --- where we are: ?doc=ID&transport=signalr|websocket -----------------------------------------

const params = new URLSearchParams(location.search)
let transport = ['signalr', 'websocket'].includes(params.get('transport'))
  ? params.get('transport')
  : (localStorage.getItem(TRANSPORT_KEY) ?? 'signalr')

const writeUrl = (documentId) => {
  const query = new URLSearchParams()
  if (documentId) query.set('doc', documentId)
  query.set('transport', transport)
  history.replaceState(null, '', `${location.pathname}?${query}`)
}

// --- the open document ------------------------------------------------------------------------

/** @type {null | { id: string, doc: Y.Doc, provider: any, awareness: any, view: EditorView, everConnected: boolean, status: string }} */
let session = null

const editorTheme = EditorView.theme({
  '&': { height: '100%', fontSize: '16px' },
  '.cm-scroller': { fontFamily: 'var(--sans)', lineHeight: '1.7' },
  '.cm-content': { padding: '28px 0 40vh', maxWidth: '780px', margin: '0 auto' },
  '.cm-line': { padding: '0 40px' },
  '.cm-activeLine': { background: 'var(--active-line)' },
  '&.cm-focused': { outline: 'none' },
  // Name tags stay visible instead of only on hover, so collaborators are always identifiable.
  '.cm-ySelectionInfo': { opacity: 1, fontFamily: 'var(--sans)', fontWeight: '600', borderRadius: '4px 4px 4px 0', padding: '1px 5px', top: '-1.45em' },
})

// Markdown read as a document: headings sized, emphasis styled, code in monospace.
const markdownStyle = HighlightStyle.define([
  { tag: tags.heading1, fontSize: '1.6em', fontWeight: '700' },
  { tag: tags.heading2, fontSize: '1.3em', fontWeight: '700' },
  { tag: [tags.heading3, tags.heading4, tags.heading5, tags.heading6], fontWeight: '700' },
  { tag: tags.strong, fontWeight: '700' },
  { tag: tags.emphasis, fontStyle: 'italic' },
  { tag: tags.strikethrough, textDecoration: 'line-through' },
  { tag: tags.link, color: 'var(--accent)', textDecoration: 'underline' },
  { tag: tags.url, color: 'var(--accent)' },
  { tag: tags.monospace, fontFamily: 'var(--mono)', fontSize: '0.9em', color: '#b42318' },
  { tag: tags.quote, color: 'var(--muted)', fontStyle: 'italic' },
  { tag: [tags.processingInstruction, tags.contentSeparator], color: 'var(--muted-2)' },
])

const WRITE_ROLES = ['editor', 'owner']

/** Viewers and commenters read along: the editor takes no input. */
const editable = (canWrite) => [EditorState.readOnly.of(!canWrite), EditorView.editable.of(canWrite)]

const openDocument = (id) => {
  closeDocument()
  if (!auth) return showSignIn()
  const doc = new Y.Doc()
  const provider = transport === 'signalr'
    ? new SignalRProvider(`${location.origin}/hubs/sync`, id, doc, {
      accessTokenFactory: freshToken,
      onUnauthorized: () => refreshToken(),
    })
    : new WebsocketProvider(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`, id, doc, {
      params: { token: auth.token },
    })
  const access = new Compartment()
  const awareness = provider.awareness
  awareness.setLocalStateField('user', awarenessUser())
  const ytext = doc.getText('codemirror')
  const view = new EditorView({
    parent: $('#editor'),
    state: EditorState.create({
      doc: ytext.toString(),
      extensions: [
        highlightActiveLine(),
        highlightSelectionMatches(),
        drawSelection(),
        EditorView.lineWrapping,
        markdown(),
        syntaxHighlighting(markdownStyle),
        placeholder('Start typing — everyone in this document sees it live.'),
        keymap.of([...yUndoManagerKeymap, ...defaultKeymap, ...searchKeymap, indentWithTab]),
        yCollab(ytext, awareness),
        editorTheme,
        access.of(editable(true)),
      ],
    }),
  })
  session = { id, doc, provider, awareness, view, access, everConnected: false, status: 'connecting', role: null, denied: null }
  const current = session
  const setRole = (role) => {
    if (session !== current || current.denied || !role || role === current.role) return
    current.role = role
    renderAccess()
  }
  const deny = (state, title, detail) => {
    if (session !== current || current.denied) return
    current.denied = { state, title, detail }
    provider.disconnect()
    renderAccess()
    renderConnection()
    renderSave()
  }

  if (transport === 'signalr') {
    provider.on('role', setRole)
    provider.on('revoked', (reason) => reason.startsWith('forbidden:')
      ? deny('denied', 'No access', 'You have no role on this document. Ask its owner to share it with you.')
      : deny('revoked', 'Access revoked', `The owner removed your access (${reason}). The text below is what you last saw; it is no longer kept in sync.`))
  } else {
    // y-websocket has no role message: the role comes from the REST answer, a downgrade from
    // the server's permission-denied frame, a revocation from close code 4403.
    provider.messageHandlers[2] = (_encoder, decoder) => {
      decoding.readVarUint(decoder)
      const reason = decoding.readVarString(decoder)
      const role = /your role is now (\w+)/.exec(reason)?.[1] ?? /is an? (\w+) of/.exec(reason)?.[1]
      if (role) setRole(role)
    }
    provider.on('closed', ({ code, reason }) => {
      if (code === 4403) deny('revoked', 'Access revoked', `The owner removed your access (${reason || 'access revoked'}). The text below is what you last saw; it is no longer kept in sync.`)
    })
    // The token rides in the URL, read again for every reconnect: keep it current.
    provider.on('connection-close', () => {
      provider.params.token = auth?.token ?? ''
      freshToken().then((token) => { provider.params.token = token })
    })
    provider.on('status', ({ status }) => {
      // A reconnect may follow a role change the socket was not told about (an upgrade).
      if (status === 'connected' && current.everConnected) fetchRole(id).then(({ role }) => setRole(role)).catch(() => {})
    })
  }
  fetchRole(id).then(({ found, role }) => {
    if (!found) return deny('denied', 'No access', 'You have no role on this document. Ask its owner to share it with you.')
    // The hub's Join answers with the role too; REST only fills in until it does.
    if (transport === 'websocket' || !current.role) setRole(role)
  }).catch(() => {})

  provider.on('status', ({ status }) => {
    current.status = status
    if (status === 'connected') current.everConnected = true
    renderConnection()
    renderSave()
  })
  provider.on('sync', (synced) => {
    renderSave()
    // A document opened by link may be new to the server; list it with its real time stamp.
    if (synced) refreshDocuments()
  })
  if (transport === 'signalr') provider.on('saved', () => renderSave())
  awareness.on('change', () => renderPresence())

  $('#document-title').textContent = id
  renderAccess()
  $('#workspace').hidden = false
  $('#empty-state').hidden = true
  writeUrl(id)
  renderConnection()
  renderSave()
  renderPresence()
  renderDocumentList()
  view.focus()
}

const closeDocument = () => {
  if (!session) return
  session.provider.destroy()
  session.view.destroy()
  session.doc.destroy()
  session = null
}

// --- status rendering -------------------------------------------------------------------------

const setBadge = (element, state, text, title = '') => {
  element.dataset.state = state
  element.querySelector('.label').textContent = text
  element.title = title
}

const renderConnection = () => {
  const el = $('#connection-status')
  if (!session) return setBadge(el, 'idle', 'No document')
  if (session.denied) return setBadge(el, 'revoked', session.denied.title, 'This page no longer syncs the document.')
  if (!navigator.onLine) return setBadge(el, 'offline', 'Offline', 'Your browser is offline; edits are kept and sent when it is back.')
  if (session.status === 'connected') return setBadge(el, 'connected', 'Connected', `Live via ${transportName()}`)
  if (session.everConnected) return setBadge(el, 'reconnecting', 'Reconnecting…', 'The connection dropped; retrying with backoff.')
  return setBadge(el, 'connecting', 'Connecting…')
}

const renderSave = () => {
  const el = $('#save-status')
  if (!session || session.denied) return setBadge(el, 'idle', '')
  const { provider } = session
  // A viewer has nothing to save; the access badge says what they can do.
  if (session.role && !WRITE_ROLES.includes(session.role)) return setBadge(el, 'idle', '')
  if (transport === 'websocket') {
    // y-websocket has no acknowledgements, so the honest claim is "in sync", never "saved".
    const note = 'y-websocket sends edits without save receipts; switch to SignalR for confirmed saves.'
    if (!navigator.onLine || session.status !== 'connected') return setBadge(el, 'unsaved', 'Not synced — edits kept locally', note)
    if (!provider.synced) return setBadge(el, 'syncing', 'Syncing…', note)
    return setBadge(el, 'synced', 'Synced · no save receipts', note)
  }
  if (!provider.synced && provider.unsavedCount === 0) return setBadge(el, 'loading', 'Loading…')
  switch (provider.savedState) {
    case 'saved': return setBadge(el, 'saved', 'All changes saved', provider.savedVersion >= 0 ? `Stored up to version ${provider.savedVersion}` : 'Nothing to save')
    case 'saving': return setBadge(el, 'saving', 'Saving…')
    default: return setBadge(el, 'unsaved', `Not saved yet — ${provider.unsavedCount} change${provider.unsavedCount === 1 ? '' : 's'} kept locally`, provider.lastError ?? 'Waiting for the connection.')
  }
}

const ROLES = {
  owner: ['owner', 'Owner', 'You own this document: you can edit it and share it.'],
  editor: ['editor', 'Can edit', 'You can edit this document.'],
  commenter: ['readonly', 'View only', 'You can read this document and follow the edits live, but not change it.'],
  viewer: ['readonly', 'View only', 'You can read this document and follow the edits live, but not change it.'],
}

/** The role badge, the notice above a read-only or revoked editor, and the editor's editability. */
const renderAccess = () => {
  const badge = $('#access-status')
  const notice = $('#access-notice')
  if (!session) {
    badge.hidden = true
    notice.hidden = true
    return
  }
  const { denied, role } = session
  const canWrite = !denied && (role === null || WRITE_ROLES.includes(role))
  session.view.dispatch({ effects: session.access.reconfigure(editable(canWrite)) })
  if (denied) {
    badge.hidden = false
    badge.dataset.state = denied.state
    badge.querySelector('.label').textContent = denied.title
    badge.title = denied.detail
    notice.hidden = false
    notice.dataset.state = denied.state
    notice.querySelector('strong').textContent = denied.title
    notice.querySelector('span').textContent = denied.detail
    return
  }
  const [state, label, detail] = ROLES[role] ?? []
  badge.hidden = !state
  notice.hidden = canWrite
  if (!state) return
  badge.dataset.state = state
  badge.querySelector('.label').textContent = label
  badge.title = detail
  notice.dataset.state = 'readonly'
  notice.querySelector('strong').textContent = 'View only'
  notice.querySelector('span').textContent = role === 'commenter'
    ? 'You are a commenter: you follow the edits live but cannot change the text.'
    : 'You follow the edits live but cannot change the text. Ask the owner for edit access.'
}

const renderPresence = () => {
  const list = $('#presence')
  list.replaceChildren()
  if (!session) return
  const states = [...session.awareness.getStates().entries()]
    .filter(([, state]) => state.user)
    // The local user first, then the others in a stable order.
    .sort(([a], [b]) => (a === session.awareness.clientID ? -1 : b === session.awareness.clientID ? 1 : a - b))
  for (const [clientId, state] of states) {
    const chip = document.createElement('span')
    chip.className = 'presence-avatar'
    chip.style.background = state.user.color
    chip.textContent = initials(state.user.name)
    chip.title = clientId === session.awareness.clientID ? `${state.user.name} (you)` : state.user.name
    chip.dataset.testid = 'presence-user'
    list.append(chip)
  }
  $('#presence-count').textContent = states.length > 1 ? `${states.length} editing` : 'Only you'
}

const transportName = () => (transport === 'signalr' ? 'SignalR' : 'y-websocket')

const renderTransport = () => {
  for (const button of document.querySelectorAll('[data-transport]')) {
    button.setAttribute('aria-checked', String(button.dataset.transport === transport))
  }
}

// --- the document list ------------------------------------------------------------------------

let documents = []

const relativeTime = (iso) => {
  const seconds = (Date.parse(iso) - Date.now()) / 1000
  if (!Number.isFinite(seconds)) return ''
  const format = new Intl.RelativeTimeFormat('en', { numeric: 'auto' })
  const units = [['day', 86400], ['hour', 3600], ['minute', 60]]
  for (const [unit, size] of units) {
    if (Math.abs(seconds) >= size) return format.format(Math.round(seconds / size), unit)
  }
  return 'just now'
}

const renderDocumentList = () => {
  const list = $('#document-list')
  list.replaceChildren()
  const ids = documents.map((d) => d.id)
  // The open document is listed even before the server's list includes it.
  const shown = session && !ids.includes(session.id) ? [{ id: session.id, updatedAt: null }, ...documents] : documents
  for (const { id, updatedAt } of shown) {
    const item = document.createElement('li')
    const button = document.createElement('button')
    button.className = 'document-item'
    button.dataset.testid = 'document-item'
    button.dataset.id = id
    if (session?.id === id) button.setAttribute('aria-current', 'page')
    const name = document.createElement('span')
    name.className = 'document-name'
    name.textContent = id
    const time = document.createElement('span')
    time.className = 'document-time'
    time.textContent = updatedAt ? `Edited ${relativeTime(updatedAt)}` : 'New'
    button.append(name, time)
    button.addEventListener('click', () => openDocument(id))
    item.append(button)
    list.append(item)
  }
  $('#document-list-empty').hidden = shown.length > 0
}

/** POST /api/documents {id}: creates the document if needed and answers with the user's role (404: none). */
const fetchRole = async (id) => {
  const response = await api('/api/documents', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ id }),
  })
  if (response.status === 404) return { found: false, role: null }
  if (!response.ok) throw new Error(`HTTP ${response.status}`)
  return { found: true, role: (await response.json()).role ?? null }
}

const refreshDocuments = async () => {
  if (!auth) return
  try {
    const response = await api('/api/documents')
    if (!response.ok) throw new Error(`HTTP ${response.status}`)
    // Most recently changed first, as the server sends it.
    documents = await response.json()
    $('#document-list-error').hidden = true
  } catch (error) {
    $('#document-list-error').hidden = false
    $('#document-list-error').textContent = `Could not load documents (${error.message}).`
  }
  renderDocumentList()
}

const createDocument = async (requestedId) => {
  const response = await api('/api/documents', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(requestedId ? { id: requestedId } : {}),
  })
  if (!response.ok) {
    // The server answers errors as problem details: { title: 'invalid-document-id', detail }.
    const problem = await response.json().catch(() => ({}))
    throw new Error(problem.detail ? `${problem.title}: ${problem.detail}` : `HTTP ${response.status}`)
  }
  const { id } = await response.json()
  await refreshDocuments()
  openDocument(id)
}

// --- wiring -----------------------------------------------------------------------------------

// The name is the identity: a new name (Enter or leaving the field) signs in as that user and
// reopens the document with that user's role.
$('#user-name').addEventListener('change', async (event) => {
  const field = event.target
  const name = field.value.trim().slice(0, 40)
  if (!name || name === auth?.name || auth?.external) return renderUser()
  field.disabled = true
  try {
    await signIn(name)
    colorSpelling = colorSpelling ? '' : 'ff'
    saveUser()
    await refreshDocuments()
    if (session) openDocument(session.id)
  } catch (error) {
    if (error instanceof SignInUnavailable) showSignIn({ external: true })
    else field.setCustomValidity(error.message)
    field.reportValidity()
    field.setCustomValidity('')
  } finally {
    field.disabled = false
    renderUser()
  }
})
$('#user-name').addEventListener('keydown', (event) => {
  if (event.key === 'Enter') event.target.blur()
  if (event.key === 'Escape') {
    event.target.value = user.name
    event.target.blur()
  }
})
$('#user-name').addEventListener('blur', renderUser)
$('#user-avatar').addEventListener('click', () => {
  user = { ...user, color: COLORS[(COLORS.indexOf(user.color) + 1) % COLORS.length] }
  saveUser()
})

for (const button of document.querySelectorAll('[data-transport]')) {
  button.addEventListener('click', () => {
    if (button.dataset.transport === transport) return
    transport = button.dataset.transport
    localStorage.setItem(TRANSPORT_KEY, transport)
    renderTransport()
    if (session) openDocument(session.id)
    else writeUrl(null)
  })
}

$('#new-document').addEventListener('click', () => {
  const form = $('#new-document-form')
  form.hidden = !form.hidden
  if (!form.hidden) form.querySelector('input').focus()
})
$('#new-document-form').addEventListener('submit', async (event) => {
  event.preventDefault()
  const form = event.target
  const input = form.querySelector('input')
  const error = $('#new-document-error')
  error.hidden = true
  try {
    await createDocument(input.value.trim())
    input.value = ''
    form.hidden = true
  } catch (e) {
    error.textContent = e.message
    error.hidden = false
  }
})

for (const event of ['online', 'offline']) {
  window.addEventListener(event, () => {
    renderConnection()
    renderSave()
  })
}
// Relative times age; the list also picks up documents others created.
setInterval(refreshDocuments, 15_000)

// --- the sign-in card and the access elements (built here, styled in styles.css) ----------------

$('#save-status').insertAdjacentHTML('afterend',
  '<span id="access-status" class="access-badge" data-testid="access-status" hidden><span class="icon" aria-hidden="true"></span><span class="label"></span></span>')
$('.editor-card').insertAdjacentHTML('afterbegin',
  '<div id="access-notice" class="access-notice" data-testid="access-notice" role="status" hidden><strong></strong><span></span></div>')
document.body.insertAdjacentHTML('beforeend', `
  <div id="signin" class="signin-backdrop" data-testid="signin" hidden>
    <form class="signin-card" novalidate>
      <svg class="brand-mark" viewBox="0 0 32 32" aria-hidden="true"><rect width="32" height="32" rx="8"/><path d="M9 16a7 7 0 0 1 12-5M23 16a7 7 0 0 1-12 5"/></svg>
      <h1 class="signin-title">Sign in to CrdtCollab</h1>
      <p class="signin-lead" data-testid="signin-lead"></p>
      <div class="signin-field" data-field="name">
        <label for="signin-name">Your name</label>
        <input id="signin-name" maxlength="64" autocomplete="nickname" spellcheck="false" data-testid="signin-name">
        <p class="signin-hint">Letters, digits, spaces, dots, dashes. The first person to open a document owns it.</p>
      </div>
      <div class="signin-field" data-field="token" hidden>
        <label for="signin-token">Access token</label>
        <textarea id="signin-token" rows="4" spellcheck="false" placeholder="eyJhbGciOi…" data-testid="signin-token"></textarea>
      </div>
      <p class="form-error" data-testid="signin-error" hidden></p>
      <button type="submit" class="button primary" data-testid="signin-submit">Continue</button>
    </form>
  </div>`)

let signInExternal = false

function showSignIn ({ message = '', external = signInExternal } = {}) {
  signInExternal = external
  const root = $('#signin')
  root.hidden = false
  root.dataset.mode = external ? 'external' : 'name'
  root.querySelector('[data-field=name]').hidden = external
  root.querySelector('[data-field=token]').hidden = !external
  root.querySelector('.signin-lead').textContent = external
    ? 'This server signs users in through an external identity provider, so there is no sign-in by name here (POST /auth/dev-token is not available). Paste an access token that provider issued for this server.'
    : 'Pick the name your collaborators will see next to your cursor.'
  const error = root.querySelector('.form-error')
  error.textContent = message
  error.hidden = !message
  const input = external ? $('#signin-token') : $('#signin-name')
  if (!external && !input.value) input.value = auth?.name ?? user.name
  input.focus()
  input.select?.()
}

$('#signin form').addEventListener('submit', async (event) => {
  event.preventDefault()
  const form = event.target
  const error = form.querySelector('.form-error')
  const button = form.querySelector('button')
  error.hidden = true
  button.disabled = true
  try {
    if (signInExternal) {
      const token = $('#signin-token').value.trim()
      if (!token) throw new Error('Paste a token first.')
      const check = await fetch('/api/documents', { headers: { accept: 'application/json', authorization: `Bearer ${token}` } })
      if (check.status === 401) throw new Error('The server did not accept that token (expired, wrong issuer or wrong audience?).')
      const claims = jwtClaims(token)
      const name = String(claims.name ?? claims.preferred_username ?? claims.sub ?? 'Signed in')
      setAuth({ name, token, external: true })
      user = { ...user, name }
      localStorage.setItem(USER_KEY, JSON.stringify(user))
    } else {
      const name = $('#signin-name').value.trim()
      if (!name) throw new Error('Enter a name.')
      await signIn(name)
    }
    $('#signin').hidden = true
    enterApp()
  } catch (e) {
    if (e instanceof SignInUnavailable) return showSignIn({ external: true })
    error.textContent = e.message
    error.hidden = false
  } finally {
    button.disabled = false
  }
})

/** Signed in: load the list and (re)open the document of the URL or the one that was open. */
function enterApp () {
  renderUser()
  session?.awareness.setLocalStateField('user', awarenessUser())
  refreshDocuments()
  const id = session?.id ?? params.get('doc')
  if (id) openDocument(id)
}

renderUser()
renderTransport()
renderConnection()
if (auth) enterApp()
else showSignIn()

// The CrdtCollab demo: a document list and a collaborative CodeMirror 6 editor, synced either
// through the SignalR hub (with save acknowledgements) or the stock y-websocket provider.

import './styles.css'
import * as Y from 'yjs'
import { WebsocketProvider } from 'y-websocket'
import { EditorState } from '@codemirror/state'
import { EditorView, keymap, highlightActiveLine, drawSelection, placeholder } from '@codemirror/view'
import { defaultKeymap, indentWithTab } from '@codemirror/commands'
import { syntaxHighlighting, HighlightStyle } from '@codemirror/language'
import { tags } from '@lezer/highlight'
import { markdown } from '@codemirror/lang-markdown'
import { searchKeymap, highlightSelectionMatches } from '@codemirror/search'
import { yCollab, yUndoManagerKeymap } from 'y-codemirror.next'
import { SignalRProvider } from './signalr-provider.js'

const $ = (selector) => document.querySelector(selector)

const COLORS = ['#e5484d', '#f76b15', '#ffb224', '#30a46c', '#12a594', '#0090ff', '#6e56cf', '#d6409f']
const ADJECTIVES = ['Swift', 'Quiet', 'Bright', 'Clever', 'Bold', 'Calm', 'Keen', 'Merry', 'Brave', 'Nimble']
const ANIMALS = ['Otter', 'Heron', 'Lynx', 'Falcon', 'Badger', 'Marten', 'Ibis', 'Orca', 'Puffin', 'Gecko']
const USER_KEY = 'crdtcollab.user'
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
  if (document.activeElement !== $('#user-name')) $('#user-name').value = user.name
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

const openDocument = (id) => {
  closeDocument()
  const doc = new Y.Doc()
  const provider = transport === 'signalr'
    ? new SignalRProvider(`${location.origin}/hubs/sync`, id, doc)
    : new WebsocketProvider(`${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`, id, doc)
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
      ],
    }),
  })
  session = { id, doc, provider, awareness, view, everConnected: false, status: 'connecting' }
  const current = session

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
  if (!navigator.onLine) return setBadge(el, 'offline', 'Offline', 'Your browser is offline; edits are kept and sent when it is back.')
  if (session.status === 'connected') return setBadge(el, 'connected', 'Connected', `Live via ${transportName()}`)
  if (session.everConnected) return setBadge(el, 'reconnecting', 'Reconnecting…', 'The connection dropped; retrying with backoff.')
  return setBadge(el, 'connecting', 'Connecting…')
}

const renderSave = () => {
  const el = $('#save-status')
  if (!session) return setBadge(el, 'idle', '')
  const { provider } = session
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

const refreshDocuments = async () => {
  try {
    const response = await fetch('/api/documents', { headers: { accept: 'application/json' } })
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
  const response = await fetch('/api/documents', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
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

$('#user-name').addEventListener('input', (event) => {
  const name = event.target.value.trim()
  if (name) {
    user = { ...user, name: name.slice(0, 40) }
    colorSpelling = colorSpelling ? '' : 'ff'
    saveUser()
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

renderUser()
renderTransport()
renderConnection()
refreshDocuments()
if (params.get('doc')) openDocument(params.get('doc'))

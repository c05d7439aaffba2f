// The progress board: projects → drawings with progress bars; a drawing's components with
// milestone checkboxes and percent inputs that edit the drawing's CRDT document through the
// SignalR provider (so every browser on it sees the ticks at once); drawing, area and project
// progress read from the server's Marten read models and refreshed by polling (they move once the
// bridge has projected a committed update); a progress-over-time chart; CSV upload with a live
// progress bar (server-sent events); weekly report downloads.
//
// Sign-in shares the demo's stored token (localStorage 'crdtcollab.auth'), so one sign-in serves
// both pages. The drawing document layout is src/Progress/README.md's: root map "components",
// component id → map milestone → number (0-100).

import './styles.css'
import './board.css'
import * as Y from 'yjs'
import { Chart, LineController, LineElement, PointElement, LinearScale, CategoryScale, Filler, Tooltip } from 'chart.js'
import { SignalRProvider } from './signalr-provider.js'

Chart.register(LineController, LineElement, PointElement, LinearScale, CategoryScale, Filler, Tooltip)

const $ = (selector) => document.querySelector(selector)
const AUTH_KEY = 'crdtcollab.auth'
/** How often the open drawing's and area's server progress is read: well inside the 1 s target. */
const DRAWING_POLL_MS = 300
const PROJECT_POLL_MS = 1500
const params = new URLSearchParams(location.search)

// --- sign-in (POST /auth/dev-token, the token kept with the demo's) ---------------------------

let auth = (() => {
  try {
    const saved = JSON.parse(localStorage.getItem(AUTH_KEY))
    if (saved?.name && saved?.token) return saved
  } catch { /* signed out */ }
  return null
})()

const requestToken = async (name) => {
  const response = await fetch('/auth/dev-token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name }) })
  if (!response.ok) {
    const problem = await response.json().catch(() => ({}))
    throw new Error(problem.detail ? `Names are ${problem.detail}.` : `Sign-in failed (HTTP ${response.status}).`)
  }
  return (await response.json()).token
}

const showSignIn = (message = '') => {
  $('#signin').hidden = false
  const error = $('#signin .form-error')
  error.textContent = message
  error.hidden = !message
  $('#signin-name').value ||= auth?.name ?? ''
  $('#signin-name').focus()
}

$('#signin form').addEventListener('submit', async (event) => {
  event.preventDefault()
  const name = $('#signin-name').value.trim()
  try {
    if (!name) throw new Error('Enter a name.')
    auth = { name, token: await requestToken(name), external: false }
    localStorage.setItem(AUTH_KEY, JSON.stringify(auth))
    $('#signin').hidden = true
    start()
  } catch (e) {
    showSignIn(e.message)
  }
})

/** fetch with the bearer token; a 401 gets one new token (by the same name) and one retry. */
const api = async (url, init = {}) => {
  const send = () => fetch(url, { ...init, headers: { accept: 'application/json', ...init.headers, authorization: `Bearer ${auth?.token ?? ''}` } })
  let response = await send()
  if (response.status === 401 && auth && !auth.external) {
    auth = { ...auth, token: await requestToken(auth.name) }
    localStorage.setItem(AUTH_KEY, JSON.stringify(auth))
    response = await send()
  }
  if (response.status === 401) showSignIn('Your sign-in is no longer accepted. Please sign in again.')
  return response
}

const json = async (url) => {
  const response = await api(url)
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`)
  return response.json()
}

const problemText = async (response) => {
  const problem = await response.json().catch(() => ({}))
  return problem.detail ?? problem.title ?? `HTTP ${response.status}`
}

// --- small view helpers ---------------------------------------------------------------------

const pct = (value) => `${(value ?? 0).toFixed(1)}%`

/** Sets a .bar element: its fill width, its text, and data-percent (what the tests read). */
const setBar = (bar, percent) => {
  const value = Math.max(0, Math.min(100, percent ?? 0))
  bar.querySelector('.fill').style.width = `${value}%`
  bar.querySelector('.value').textContent = pct(percent)
  bar.dataset.percent = (percent ?? 0).toFixed(3)
}

const barHtml = (testid) => `<div class="bar" data-testid="${testid}"><span class="fill"></span><span class="value"></span></div>`

const el = (tag, attrs = {}, text = '') => {
  const node = document.createElement(tag)
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v)
  if (text) node.textContent = text
  return node
}

const setUrl = () => {
  const query = new URLSearchParams()
  if (state.projectId) query.set('project', state.projectId)
  if (state.drawingId) query.set('drawing', state.drawingId)
  history.replaceState(null, '', `${location.pathname}?${query}`)
}

// --- state ----------------------------------------------------------------------------------

const state = {
  projectId: null,
  project: null,
  drawingId: null,
  drawing: null,
  /** @type {null | { doc: Y.Doc, provider: SignalRProvider, documentId: string }} */
  session: null,
  projectTimer: null,
  drawingTimer: null,
  chart: null,
}

// --- projects -------------------------------------------------------------------------------

const refreshProjects = async () => {
  const projects = await json('/api/progress/projects')
  const list = $('#project-list')
  list.replaceChildren(...projects.map((p) => {
    const item = el('li', { class: 'document-item project-item', 'data-testid': 'project-item', 'data-id': p.id })
    if (p.id === state.projectId) item.setAttribute('aria-current', 'page')
    item.append(el('span', { class: 'doc-name' }, p.name), el('span', { class: 'doc-meta' }, `${p.id} · ${pct(p.percent)}`))
    item.addEventListener('click', () => openProject(p.id))
    return item
  }))
  $('#project-list-empty').hidden = projects.length > 0
}

$('#new-project').addEventListener('click', () => { $('#new-project-form').hidden = !$('#new-project-form').hidden })
$('#new-project-form').addEventListener('submit', async (event) => {
  event.preventDefault()
  const form = event.target
  const error = form.querySelector('.form-error')
  const response = await api('/api/progress/projects', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ id: form.id.value.trim(), name: form.name.value.trim() }),
  })
  if (!response.ok) {
    error.textContent = await problemText(response)
    error.hidden = false
    return
  }
  error.hidden = true
  form.hidden = true
  const id = form.id.value.trim()
  form.reset()
  await refreshProjects()
  openProject(id)
})

// The generated sample (500 drawings, 20,000 components, three weeks of history), loaded once.
$('#load-sample').addEventListener('click', async () => {
  const note = $('#sample-note')
  const button = $('#load-sample')
  button.disabled = true
  note.hidden = false
  note.textContent = 'Generating the sample project… (about a minute)'
  const response = await api('/api/progress/sample-project', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })
  button.disabled = false
  if (!response.ok) {
    note.textContent = await problemText(response)
    return
  }
  const { id } = await response.json()
  note.textContent = 'Loaded. Its history is being projected; progress fills in over the next seconds.'
  await refreshProjects()
  openProject(id)
})

const openProject = async (projectId) => {
  closeDrawing()
  state.projectId = projectId
  setUrl()
  $('#board-empty').hidden = true
  $('#project-view').hidden = false
  $('#drawing-view').hidden = true
  for (const item of document.querySelectorAll('.project-item')) {
    if (item.dataset.id === projectId) item.setAttribute('aria-current', 'page')
    else item.removeAttribute('aria-current')
  }
  clearInterval(state.projectTimer)
  await refreshProject(true)
  state.projectTimer = setInterval(() => refreshProject(false).catch(() => {}), PROJECT_POLL_MS)
}

const refreshProject = async (withChart) => {
  const id = state.projectId
  const { project, progress } = await json(`/api/progress/projects/${id}`)
  if (id !== state.projectId) return
  state.project = project
  $('#project-title').textContent = project.name
  $('#project-meta').textContent = `${project.id} · ${project.drawingCount} drawings · ${project.componentCount} components`
  setBar($('[data-testid=project-progress]'), progress?.percent)
  const [areas, drawings] = await Promise.all([json(`/api/progress/projects/${id}/areas`), json(`/api/progress/projects/${id}/drawings?take=1000`)])
  renderAreas(areas)
  renderDrawings(drawings)
  refreshProjects().catch(() => {})
  if (withChart || Date.now() - (state.chartAt ?? 0) > 5000) await refreshChart()
}

const renderAreas = (areas) => {
  $('#area-list').replaceChildren(...areas.map((a) => {
    const item = el('li', { 'data-testid': 'area-item', 'data-id': a.key })
    item.append(el('span', { class: 'bar-name' }, state.project?.areas?.[a.key] ?? a.key))
    item.insertAdjacentHTML('beforeend', barHtml('area-bar'))
    setBar(item.querySelector('.bar'), a.percent)
    return item
  }))
}

const renderDrawings = (drawings) => {
  const body = $('#drawing-list')
  const rows = new Map([...body.children].map((r) => [r.dataset.id, r]))
  const ordered = drawings.map((d) => {
    let row = rows.get(d.drawingId)
    if (!row) {
      row = el('tr', { 'data-testid': 'drawing-item', 'data-id': d.drawingId })
      row.innerHTML = `<td><a href="#" class="drawing-link"></a></td><td class="muted"></td><td></td><td>${barHtml('drawing-bar')}</td>`
      row.querySelector('a').textContent = d.drawingId
      row.querySelector('a').addEventListener('click', (e) => { e.preventDefault(); openDrawing(d.drawingId) })
    }
    row.children[1].textContent = d.title
    row.children[2].textContent = d.areaId
    setBar(row.querySelector('.bar'), d.percent)
    return row
  })
  body.replaceChildren(...ordered)
}

const refreshChart = async () => {
  state.chartAt = Date.now()
  const rows = await json(`/api/progress/projects/${state.projectId}/history?kind=project`)
  const labels = rows.map((r) => r.day)
  const values = rows.map((r) => (r.total > 0 ? (r.earned / r.total) * 100 : 0))
  const canvas = $('#progress-chart')
  canvas.dataset.points = String(values.length)
  if (!state.chart) {
    state.chart = new Chart(canvas, {
      type: 'line',
      data: { labels, datasets: [{ label: 'Project progress', data: values, borderColor: '#4f46e5', backgroundColor: 'rgba(79, 70, 229, 0.12)', fill: true, tension: 0.2, pointRadius: 2 }] },
      options: { animation: false, maintainAspectRatio: false, scales: { y: { min: 0, max: 100, ticks: { callback: (v) => `${v}%` } } }, plugins: { legend: { display: false } } },
    })
  } else {
    state.chart.data.labels = labels
    state.chart.data.datasets[0].data = values
    state.chart.update()
  }
}

// --- CSV import with a live progress bar ------------------------------------------------------

$('#import-form').addEventListener('submit', async (event) => {
  event.preventDefault()
  const file = $('#import-file').files[0]
  if (!file || !state.projectId) return
  const bar = $('#import-progress')
  const result = $('#import-result')
  const errors = $('#import-errors')
  errors.hidden = true
  bar.dataset.phase = 'uploading'
  setBar(bar, 0)
  result.textContent = `Uploading ${file.name}…`
  const projectId = state.projectId
  const response = await api(`/api/progress/projects/${projectId}/imports?name=${encodeURIComponent(file.name)}`, {
    method: 'POST', headers: { 'content-type': 'text/csv' }, body: file,
  })
  if (!response.ok) {
    bar.dataset.phase = 'failed'
    result.textContent = await problemText(response)
    return
  }
  const accepted = await response.json()
  const events = new EventSource(`/api/progress/projects/${projectId}/imports/${accepted.id}/events?access_token=${encodeURIComponent(auth.token)}`)
  events.addEventListener('progress', (message) => {
    const status = JSON.parse(message.data)
    bar.dataset.phase = status.phase
    bar.setAttribute('aria-valuenow', String(status.percent))
    setBar(bar, status.percent)
    result.textContent = describeImport(status)
    if (status.done) {
      events.close()
      renderImportErrors(status)
      refreshProjects().catch(() => {})
      if (state.projectId === projectId) refreshProject(true).catch(() => {})
    }
  })
  events.onerror = () => { if (bar.dataset.phase !== 'succeeded') result.textContent += ' (connection to the progress stream lost)' }
})

const describeImport = (s) => {
  const t = s.totals
  switch (s.phase) {
    case 'queued': return 'Waiting for the import before it…'
    case 'validating': return `Checking rows… ${s.rowsRead.toLocaleString()} read`
    case 'applying': return `Storing… ${s.rowsApplied.toLocaleString()} of ${s.rowsValid.toLocaleString()} rows`
    case 'succeeded': return t.changed
      ? `Imported: ${t.drawingsAdded} drawings added, ${t.drawingsUpdated} updated; ${t.componentsAdded} components added, ${t.componentsUpdated} updated.`
      : `Nothing changed: all ${(t.drawingsUnchanged + t.componentsUnchanged).toLocaleString()} rows were imported before.`
    case 'rejected': return `Rejected, nothing stored: ${s.errorCount.toLocaleString()} problem(s) in ${s.badRows.toLocaleString()} row(s).`
    default: return `Failed: ${s.failure ?? 'unknown error'}`
  }
}

const renderImportErrors = (status) => {
  const table = $('#import-errors')
  table.hidden = status.errors.length === 0
  table.querySelector('tbody').replaceChildren(...status.errors.map((e) => {
    const row = el('tr')
    row.append(el('td', {}, e.row ? String(e.row) : '—'), el('td', {}, e.column || '—'), el('td', {}, e.message))
    return row
  }))
}

// --- weekly report downloads ------------------------------------------------------------------

const isoDay = (date) => date.toISOString().slice(0, 10)
{
  const today = new Date()
  $('#report-to').value = isoDay(today)
  $('#report-from').value = isoDay(new Date(today.getTime() - 6 * 86_400_000))
}

for (const button of document.querySelectorAll('.report-buttons button')) {
  button.addEventListener('click', async () => {
    const format = button.dataset.format
    const error = $('#report-error')
    const query = new URLSearchParams({ from: $('#report-from').value, to: $('#report-to').value })
    const response = await api(`/api/progress/projects/${state.projectId}/reports/weekly.${format}?${query}`, { headers: { accept: '*/*' } })
    if (!response.ok) {
      error.textContent = await problemText(response)
      error.hidden = false
      return
    }
    error.hidden = true
    const url = URL.createObjectURL(await response.blob())
    const link = el('a', { href: url, download: `${state.projectId}-weekly-${query.get('from')}-to-${query.get('to')}.${format}` })
    document.body.append(link)
    link.click()
    link.remove()
    setTimeout(() => URL.revokeObjectURL(url), 60_000)
  })
}

// --- a drawing: its CRDT document and its components ------------------------------------------

const documentIdOf = (projectId, drawingId) => `drawing.${projectId}.${drawingId}`

const openDrawing = async (drawingId) => {
  closeDrawing()
  state.drawingId = drawingId
  setUrl()
  $('#project-view').hidden = true
  $('#drawing-view').hidden = false
  clearInterval(state.projectTimer)
  const projectId = state.projectId
  state.project ??= (await json(`/api/progress/projects/${projectId}`)).project
  const drawing = await json(`/api/progress/projects/${projectId}/drawings/${drawingId}`)
  state.drawing = drawing
  $('#drawing-title').textContent = `${drawing.drawingId} · ${drawing.title}`
  $('#drawing-meta').textContent = `${state.project.name} · area ${drawing.areaId} · system ${drawing.systemId} · ${Object.keys(drawing.components).length} components`
  $('#drawing-area-name').textContent = drawing.areaId
  renderComponents(drawing)
  showServerProgress(drawing)

  const doc = new Y.Doc()
  const documentId = documentIdOf(projectId, drawingId)
  const provider = new SignalRProvider(`${location.origin}/hubs/sync`, documentId, doc, {
    accessTokenFactory: () => auth?.token ?? '',
    onUnauthorized: async () => { auth = { ...auth, token: await requestToken(auth.name) }; localStorage.setItem(AUTH_KEY, JSON.stringify(auth)) },
  })
  state.session = { doc, provider, documentId }
  provider.on('status', ({ status }) => renderConnection(status))
  provider.on('synced', () => { $('#component-list').dataset.synced = 'true'; syncInputs() })
  doc.getMap('components').observeDeep(() => syncInputs())
  state.drawingTimer = setInterval(pollDrawing, DRAWING_POLL_MS)
}

const closeDrawing = () => {
  clearInterval(state.drawingTimer)
  state.drawingTimer = null
  if (state.session) {
    state.session.provider.destroy()
    state.session.doc.destroy()
    state.session = null
  }
  state.drawingId = null
  state.drawing = null
  $('#component-list').dataset.synced = 'false'
  renderConnection('idle')
}

$('#back-to-project').addEventListener('click', () => openProject(state.projectId))

const renderConnection = (status) => {
  const badge = $('#connection-status')
  const states = { connected: ['connected', 'Connected'], connecting: ['connecting', 'Connecting…'], disconnected: ['reconnecting', 'Reconnecting…'], idle: ['idle', ''] }
  const [data, label] = states[status] ?? states.idle
  badge.dataset.state = data
  badge.querySelector('.label').textContent = label
}

const templateOf = (type) => state.project?.templates?.[type] ?? []
const isPercent = (milestone) => milestone.kind === 1 || milestone.kind === 'Percent' || milestone.kind === 'percent'

const renderComponents = (drawing) => {
  const ids = Object.keys(drawing.components).sort()
  $('#component-list').replaceChildren(...ids.map((id) => {
    const component = drawing.components[id]
    const row = el('tr', { 'data-testid': 'component-row', 'data-id': id })
    const milestones = el('td', { class: 'milestones' })
    for (const m of templateOf(component.type)) {
      const label = el('label', { class: 'milestone' })
      const input = isPercent(m)
        ? el('input', { type: 'number', min: '0', max: '100', step: '5', class: 'percent' })
        : el('input', { type: 'checkbox' })
      Object.assign(input.dataset, { testid: 'milestone', component: id, milestone: m.name, kind: isPercent(m) ? 'percent' : 'checkbox' })
      input.addEventListener('change', () => {
        const value = input.type === 'checkbox' ? (input.checked ? 100 : 0) : Math.max(0, Math.min(100, Number(input.value) || 0))
        setMilestone(id, m.name, value)
      })
      label.append(input, el('span', {}, `${m.name} (${m.weight})`))
      milestones.append(label)
    }
    row.append(el('td', { class: 'mono' }, id), el('td', { class: 'muted' }, component.type), milestones)
    return row
  }))
}

/** The document convention: a component's map is created only when it is absent after the sync. */
const setMilestone = (componentId, milestone, value) => {
  const doc = state.session?.doc
  if (!doc) return
  doc.transact(() => {
    const components = doc.getMap('components')
    let map = components.get(componentId)
    if (!(map instanceof Y.Map)) {
      map = new Y.Map()
      components.set(componentId, map)
    }
    map.set(milestone, value)
  })
}

const readValue = (raw) => (raw === true ? 100 : raw === false ? 0 : typeof raw === 'number' && Number.isFinite(raw) ? raw : 0)

/** Shows the document's values in the inputs (local edits and every other browser's). */
const syncInputs = () => {
  const doc = state.session?.doc
  if (!doc) return
  const components = doc.getMap('components')
  for (const input of document.querySelectorAll('#component-list input[data-testid=milestone]')) {
    const map = components.get(input.dataset.component)
    const value = readValue(map instanceof Y.Map ? map.get(input.dataset.milestone) : undefined)
    if (input.type === 'checkbox') input.checked = value >= 100
    else if (document.activeElement !== input) input.value = String(value)
  }
}

const showServerProgress = (drawing, area) => {
  setBar($('[data-testid=drawing-progress]'), drawing.percent)
  if (area) setBar($('[data-testid=area-progress]'), area.percent)
}

let polling = false
const pollDrawing = async () => {
  if (polling || !state.drawingId) return
  polling = true
  try {
    const { projectId, drawingId } = state
    const drawing = await json(`/api/progress/projects/${projectId}/drawings/${drawingId}`)
    const area = await json(`/api/progress/projects/${projectId}/areas/${drawing.areaId}`).catch(() => null)
    if (drawingId === state.drawingId) showServerProgress(drawing, area)
  } catch { /* the next poll tries again */ } finally {
    polling = false
  }
}

// --- start ------------------------------------------------------------------------------------

async function start () {
  $('#user-name').textContent = auth.name
  await refreshProjects()
  const project = params.get('project')
  if (project) {
    await openProject(project)
    const drawing = params.get('drawing')
    if (drawing) await openDrawing(drawing)
  }
}

if (auth) start().catch(() => showSignIn())
else showSignIn()

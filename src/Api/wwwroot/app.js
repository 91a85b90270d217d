// The dashboard: a reference client of the public API. REST answers about periods (figures, charts, heatmap
// data); the SignalR hub /hubs/live pushes what moves now (counters of every store, today's heatmap cells).
// No framework: modules under js/ and one `state` object here.
import { Api } from './js/api.js';
import { counted, change, duration, integer, percent, ago } from './js/format.js';
import { periodOf, previousOf, weekBefore, label, localDate, localHour, localTime } from './js/periods.js';
import { figuresOf, trendOf } from './js/report.js';
import { FloorHeatmap, loadScale } from './js/heatmap.js';
import { drawBars } from './js/charts.js';
import { Overview } from './js/overview.js';
import { Playback } from './js/playback.js';
import { Manage } from './js/manage.js';

const KEY_STORAGE = 'heatmapsaas.apiKey';
const PICK_STORAGE = 'heatmapsaas.pick';
const GATEWAY_ONLINE_MS = 2 * 60 * 1000;
const GATEWAY_LISTED_MS = 24 * 60 * 60 * 1000; // gone longer than this: aged out of the list
const GATEWAY_REFRESH_MS = 15 * 1000;
const SLOW_REFRESH_MS = 60 * 1000;
const FIGURES_THROTTLE_MS = 3 * 1000;
const RECONNECT_DELAY_MS = 5 * 1000;
const MAX_WATCHED_LOCATIONS = 100;
const UNITS = {
  customer_flow: 'position samples per cell',
  dwell_time: 'seconds of dwell per cell',
  interactions: 'interactions per cell',
};
// The figures, in order; `live` names the locationCounters field that moves it today.
const FIGURES = [
  { name: 'occupancy', label: 'in the store now', live: 'occupancy', todayOnly: true },
  { name: 'visitors', label: 'visitors', live: 'visitors_today' },
  { name: 'impressions', label: 'impressions', live: 'impressions' },
  { name: 'discoveries', label: 'discoveries (≥ 3 s)', live: 'discoveries' },
  { name: 'engagements', label: 'engagements (≥ 10 s)', live: 'engagements' },
  { name: 'interactions', label: 'interactions', live: 'interactions' },
  { name: 'conversions', label: 'conversions', live: 'conversions' },
  { name: 'conversion_rate', label: 'conversion rate', format: (v) => percent.format(v) },
  { name: 'avg_dwell', label: 'average visit', format: (v) => duration(v) },
];

const $ = (id) => document.getElementById(id);
const enc = encodeURIComponent;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A live frame's cell as REST data_points have it: [x, y, count] with x, y the cell centre in floor units.
 * The hub already sends that form; this stays the one place that knows it.
 */
function liveCell([x, y, count]) {
  return [x, y, count];
}

const state = {
  api: null,
  connection: null,
  locations: [], // list items (id, name, slug, parent, …)
  details: new Map(), // id → GET /v1/locations/{id}
  counters: new Map(), // id → the latest locationCounters
  location: null, // the open store (details), or null: the overview
  heatmaps: [],
  heatmap: null,
  period: null,
  previous: null,
  figures: null, // the period's figures from REST
  previousFigures: null,
  pick: 0, // bumped by every selection, so answers to an older one are dropped
  timers: [],
  figuresTimer: null,
};

const scale = await loadScale();
const floor = new FloorHeatmap($('floor'), { bar: $('legend-bar'), ticks: $('legend-ticks'), unit: $('legend-unit') }, scale);
const playback = new Playback({
  slider: $('playback'), button: $('play'), label: $('playback-label'),
  onShow: () => paintHeatmap(),
});
const overview = new Overview($('stores'), { open: (id) => openLocation(id) });
const manage = new Manage($('manage'), {
  context: () => ({ api: state.api, location: state.location, period: state.period, heatmap: state.heatmap }),
  changed: (openId, heatmapId) => reloadLocations(openId, heatmapId),
  report: (e) => reportError(e),
});

// ---- key and connection ---------------------------------------------------------------------------------

async function connect(key) {
  await disconnect();
  showMessage('');
  const api = new Api(key);
  let locations;
  try {
    locations = await api.listAll('/v1/locations?info=true', 'locations');
  } catch (e) {
    sessionStorage.removeItem(KEY_STORAGE);
    showMessage(e.status === 401 ? 'That API key was not accepted.'
      : e.status === 403 ? 'This key may not read data (an ingest key?): use a full or read key.'
        : `Could not load the locations: ${e.message}`);
    return;
  }
  state.api = api;
  state.locations = locations;
  sessionStorage.setItem(KEY_STORAGE, key);
  $('first-run').hidden = true;
  $('api-key').value = '';
  $('api-key').placeholder = 'key kept for this tab';
  $('forget-key').hidden = false;
  $('dashboard').hidden = false;
  fillLocations();

  startHub();
  loadUsage();
  state.timers.push(
    setInterval(() => loadGateways().catch(reportError), GATEWAY_REFRESH_MS),
    setInterval(() => { refreshSlow(); loadUsage(); }, SLOW_REFRESH_MS));

  await loadDetails();
  if (locations.length === 0) {
    showMessage('This tenant has no locations yet: create one with POST /v1/locations.');
    return;
  }
  const remembered = JSON.parse(sessionStorage.getItem(PICK_STORAGE) || '{}');
  const pick = remembered.location !== undefined ? remembered.location : locations.length === 1 ? locations[0].id : '';
  if (remembered.period) $('period').value = remembered.period;
  await openLocation(state.details.has(pick) ? pick : '', remembered.heatmap);
}

async function disconnect() {
  state.timers.forEach(clearInterval);
  state.timers = [];
  const connection = state.connection;
  state.connection = null; // before stop(), so onclose does not reconnect
  state.location = null;
  state.heatmap = null;
  state.counters = new Map();
  state.details = new Map();
  state.pick++;
  playback.stop();
  $('landing').hidden = true; // another key may be another tenant
  $('landing').dataset.state = 'loading';
  if (connection) await connection.stop().catch(() => {});
}

async function forgetKey() {
  await disconnect();
  state.api = null;
  sessionStorage.removeItem(KEY_STORAGE);
  sessionStorage.removeItem(PICK_STORAGE);
  $('dashboard').hidden = true;
  $('forget-key').hidden = true;
  $('api-key').placeholder = 'API key (hm_live_…)';
  setStatus('offline', 'not connected');
  offerDemoKey();
}

/** In the embedded mode, on this machine, the server offers the Demo key: no copying from the console. */
async function offerDemoKey() {
  try {
    const response = await fetch('/dashboard/demo-key');
    if (!response.ok) return;
    const { api_key: key } = await response.json();
    $('first-run').hidden = false;
    $('use-demo-key').onclick = () => connect(key);
  } catch {
    // no offer: the key box is the way in
  }
}

function startHub() {
  const connection = new signalR.HubConnectionBuilder()
    .withUrl('/hubs/live', { accessTokenFactory: () => state.api?.key })
    .withAutomaticReconnect()
    .configureLogging(signalR.LogLevel.Warning)
    .build();
  connection.on('heatmapUpdated', (frame) => {
    if (frame.heatmap_id !== state.heatmap?.id || !state.period?.live) return;
    applyFrame(frame);
    playback.setFrames(heatmapFrames());
    schedulePaint();
  });
  connection.on('locationCounters', (counters) => onCounters(counters));
  connection.onreconnecting(() => setStatus('connecting', 'reconnecting…'));
  connection.onreconnected(() => {
    setStatus('live', 'live');
    resubscribe(); // groups do not survive a reconnect
  });
  connection.onclose(() => {
    if (state.connection === connection) keepConnected(connection);
  });
  state.connection = connection;
  keepConnected(connection);
}

/** Starts the connection, and again every few seconds while it is down (automatic reconnect gives up). */
async function keepConnected(connection) {
  while (state.connection === connection && connection.state === signalR.HubConnectionState.Disconnected) {
    setStatus('connecting', 'connecting…');
    try {
      await connection.start();
      setStatus('live', 'live');
      await resubscribe();
      return;
    } catch (e) {
      if (e.statusCode === 401 || e.statusCode === 403) {
        showMessage('The live feed refused this key.');
        setStatus('offline', 'offline');
        return;
      }
      setStatus('offline', 'offline, retrying…');
      await sleep(RECONNECT_DELAY_MS);
    }
  }
}

const connected = () => state.connection?.state === signalR.HubConnectionState.Connected;

/** Counters of every store (the overview shows them all), and the open heatmap's cells while it shows today. */
async function resubscribe() {
  if (!connected()) return;
  const watched = state.locations.slice(0, MAX_WATCHED_LOCATIONS);
  await Promise.all([
    ...watched.map((l) => state.connection.invoke('SubscribeLocation', l.id).then(onCounters)),
    subscribeHeatmap(),
  ]).catch(reportError);
}

// ---- locations and the overview -------------------------------------------------------------------------

function fillLocations() {
  const select = $('location');
  const all = new Option(state.locations.length === 1 ? 'All stores (1)' : `All stores (${state.locations.length})`, '');
  const byParent = groupByParent(state.locations);
  const options = [all];
  for (const { item, depth } of byParent) {
    options.push(new Option(`${depth > 0 ? '\u2003'.repeat(depth) + '↳ ' : ''}${item.name}`, item.id));
  }
  select.replaceChildren(...options);
}

/** Stores first, each followed by its zones (a zone names its parent by slug). */
function groupByParent(locations) {
  const bySlug = new Map(locations.map((l) => [l.slug, l]));
  const children = new Map();
  const roots = [];
  for (const l of locations) {
    if (l.parent && bySlug.has(l.parent)) {
      if (!children.has(l.parent)) children.set(l.parent, []);
      children.get(l.parent).push(l);
    } else {
      roots.push(l);
    }
  }
  const ordered = [];
  const walk = (item, depth) => {
    ordered.push({ item, depth });
    for (const child of children.get(item.slug) ?? []) walk(child, depth + 1);
  };
  roots.forEach((r) => walk(r, 0));
  return ordered;
}

/** Each location's details (its zone, capacity), and for the overview its visitors this time last week. */
async function loadDetails() {
  const api = state.api;
  await Promise.all(state.locations.map(async (l) => {
    const details = await api.getQueued(`/v1/locations/${enc(l.id)}`);
    if (api === state.api) state.details.set(l.id, details);
  }));
  overview.setLocations(groupByParent(state.locations).map(({ item, depth }) => ({ ...state.details.get(item.id), depth })));
  await loadLastWeek();
}

async function loadLastWeek() {
  const api = state.api;
  await Promise.all([...state.details.values()].map(async (location) => {
    const lastWeek = weekBefore(periodOf('today', location.timezone));
    const end = lastWeek.until ? `${lastWeek.last}T${lastWeek.until}` : lastWeek.last;
    const answer = await api.getQueued(
      `/v1/locations/${enc(location.id)}/analytics?start_date=${lastWeek.first}&end_date=${end}&metrics=visitors`);
    if (api === state.api) overview.setLastWeek(location.id, answer.metrics.visitors);
  })).catch(reportError);
}

function onCounters(counters) {
  if (!counters) return;
  state.counters.set(counters.location_id, counters);
  overview.setCounters(counters);
  if (counters.location_id !== state.location?.id) return;
  showFigures();
  showLastUpdate(counters);
  if (state.period?.live) scheduleFigures();
}

/** After an edit: the lists again, the store (and heatmap) given opened, live counters for any new store. */
async function reloadLocations(openId, heatmapId) {
  state.locations = await state.api.listAll('/v1/locations?info=true', 'locations');
  state.details = new Map();
  fillLocations();
  await loadDetails();
  await resubscribe();
  await openLocation(openId, heatmapId);
}

async function openLocation(id, preferredHeatmap) {
  const pick = ++state.pick;
  playback.stop();
  state.heatmap = null;
  state.heatmaps = [];
  state.buckets = new Map();
  $('location').value = id;
  const location = id ? state.details.get(id) : null;
  state.location = location ?? null;
  $('overview').hidden = !!location;
  $('store').hidden = !location;
  document.querySelectorAll('.store-only').forEach((e) => { e.hidden = !location; });
  $('custom-range').hidden = !location || $('period').value !== 'custom';
  remember();
  if ($('manage').open) manage.refresh().catch(reportError);
  if (!location) return;

  state.figures = null;
  state.previousFigures = null;
  showFigures();
  showLastUpdate(state.counters.get(location.id));
  try {
    const [heatmaps, image] = await Promise.all([
      state.api.listAll(`/v1/heatmaps?location_id=${enc(location.id)}`, 'heatmaps'),
      loadFloorImage(location.id),
    ]);
    if (pick !== state.pick) return;
    state.heatmaps = heatmaps;
    floor.setFloor(location.floor_plan?.width, location.floor_plan?.height, image);
    const select = $('heatmap');
    select.replaceChildren(...heatmaps.map((h) => new Option(h.name, h.id)));
    select.disabled = heatmaps.length === 0;
    const heatmap = heatmaps.find((h) => h.id === preferredHeatmap) ?? heatmaps[0] ?? null;
    if (heatmap) select.value = heatmap.id;
    await Promise.all([selectPeriod(heatmap), loadGateways()]);
  } catch (e) {
    if (pick === state.pick) reportError(e);
  }
}

async function loadFloorImage(locationId) {
  try {
    return await createImageBitmap(await state.api.get(`/v1/locations/${enc(locationId)}/floor-plan`, 'blob'));
  } catch (e) {
    if (e.status !== 404) console.warn('floor plan not shown:', e);
    return null; // a plain floor instead
  }
}

function remember() {
  sessionStorage.setItem(PICK_STORAGE, JSON.stringify({
    location: state.location?.id ?? '', heatmap: state.heatmap?.id, period: $('period').value,
  }));
}

// ---- periods, figures and charts ------------------------------------------------------------------------

/** (Re)loads everything about the chosen period: figures against the previous period, charts, the heatmap. */
async function selectPeriod(heatmap = state.heatmap) {
  const location = state.location;
  if (!location) return;
  const pick = ++state.pick;
  const kind = $('period').value;
  $('custom-range').hidden = kind !== 'custom';
  if (kind === 'custom' && !$('from').value) {
    $('to').value = localDate(location.timezone);
    $('from').value = $('to').value;
  }
  state.period = periodOf(kind, location.timezone, { from: $('from').value, to: $('to').value });
  state.previous = previousOf(state.period);
  $('period-label').textContent = `${cap(label(state.period))} · compared with the ${state.period.kind === 'today' ? 'same time yesterday' : 'previous ' + counted(dayCountOf(state.period), 'day')}`;
  $('store').dataset.period = state.period.kind;
  remember();
  await Promise.all([loadFigures(pick), loadCharts(pick), selectHeatmap(heatmap, pick)]);
}

const dayCountOf = (p) => Math.round((Date.parse(p.last) - Date.parse(p.first)) / 86400000) + 1;
const cap = (text) => text.charAt(0).toUpperCase() + text.slice(1);

async function loadFigures(pick = state.pick) {
  const { location, period, previous } = state;
  const [current, before] = await Promise.all([figuresOf(state.api, location, period), figuresOf(state.api, location, previous)]);
  if (pick !== state.pick) return;
  state.figures = current;
  state.previousFigures = before;
  showFigures();
  const highlight = period.live ? localHour(location.timezone) : -1;
  drawBars($('chart-hourly'), {
    labels: Array.from({ length: 24 }, (_, h) => String(h).padStart(2, '0')),
    current: current.hourly, previous: before.hourly, highlight,
    currentLabel: cap(label(period)), previousLabel: period.live ? 'yesterday, same time' : 'previous period',
  });
  $('store').dataset.figures = 'loaded';
}

async function loadCharts(pick = state.pick) {
  const trend = await trendOf(state.api, state.location, state.period);
  if (pick !== state.pick) return;
  drawBars($('chart-daily'), {
    labels: trend.days.map((d) => d.date.slice(5)), titles: trend.days.map((d) => d.date),
    current: trend.days.map((d) => d.visitors), previous: trend.daysBefore.map((d) => d.visitors),
    currentLabel: `${counted(trend.days.length, 'day')} to ${trend.days.at(-1)?.date.slice(5) ?? ''}`, previousLabel: 'the days before',
  });
  drawBars($('chart-weekly'), {
    labels: trend.weeks.map((w) => w.week.slice(5)), titles: trend.weeks.map((w) => `week of ${w.week}`),
    current: trend.weeks.map((w) => w.visitors), currentLabel: 'visitors per week',
    highlight: trend.weeks.length - 1,
  });
}

/** Figures on screen: today's move live (counters), other periods are REST answers; each against before. */
function showFigures() {
  const container = $('counters');
  const live = state.period?.live ? state.counters.get(state.location?.id) : null;
  const figures = state.figures;
  const before = state.previousFigures;
  const items = [];
  for (const figure of FIGURES) {
    if (figure.todayOnly && !state.period?.live) continue;
    let value = figures?.[figure.name];
    if (live && figure.live) value = live[figure.live];
    if (live && figure.name === 'conversion_rate') value = live.visitors_today > 0 ? live.conversions / live.visitors_today : 0;
    const previous = figure.todayOnly ? undefined : before?.[figure.name];
    items.push(counterElement(figure, value, previous, live));
  }
  container.replaceChildren(...items);
}

function counterElement(figure, value, previous, live) {
  const format = figure.format ?? ((v) => integer.format(v));
  const element = document.createElement('div');
  element.className = 'counter';
  element.id = `counter-${figure.name}`;
  const valueSpan = document.createElement('span');
  valueSpan.className = 'value';
  valueSpan.textContent = value == null ? '–' : format(value);
  const labelSpan = document.createElement('span');
  labelSpan.className = 'label';
  labelSpan.textContent = figure.label;
  element.append(valueSpan, labelSpan);
  if (figure.name === 'occupancy' && live?.capacity) {
    const capacity = document.createElement('span');
    capacity.className = 'capacity';
    capacity.dataset.over = live.occupancy > live.capacity;
    capacity.textContent = `${percent.format(live.utilisation ?? live.occupancy / live.capacity)} of ${integer.format(live.capacity)}`;
    element.append(capacity);
  }
  if (previous !== undefined) {
    const delta = change(value, previous);
    const changeSpan = document.createElement('span');
    changeSpan.className = 'change';
    changeSpan.dataset.direction = delta.direction;
    changeSpan.textContent = previous == null ? '' : `${delta.text} · was ${format(previous)}`;
    element.dataset.previous = previous ?? '';
    element.append(changeSpan);
  }
  return element;
}

function showLastUpdate(counters) {
  $('last-update').textContent = counters?.last_update
    ? `last event ${new Date(counters.last_update).toLocaleTimeString()} · ${counted(counters.gateways_online, 'gateway')} online`
    : '';
}

/** Today's REST figures again (dwell, comparisons' cut-off), at most every couple of seconds. */
function scheduleFigures() {
  if (state.figuresTimer) return;
  state.figuresTimer = setTimeout(() => {
    state.figuresTimer = null;
    if (state.period?.live) loadFigures().catch(reportError);
  }, FIGURES_THROTTLE_MS);
}

/** Every minute: the period moves on (today's cut-off, and at midnight today becomes a new day). */
function refreshSlow() {
  if (!state.location) {
    loadLastWeek();
    return;
  }
  if (state.period?.live && localDate(state.location.timezone) !== state.period.last) {
    selectPeriod().catch(reportError);
  } else if (state.period?.live) {
    state.period = periodOf('today', state.location.timezone);
    state.previous = previousOf(state.period);
    loadFigures().catch(reportError);
    loadCharts().catch(reportError);
  }
}

// ---- heatmap --------------------------------------------------------------------------------------------

async function selectHeatmap(heatmap, pick = state.pick) {
  if (state.heatmap && state.heatmap !== heatmap && connected()) {
    state.connection.invoke('UnsubscribeHeatmap', state.heatmap.id).catch(() => {});
  }
  state.heatmap = heatmap;
  state.buckets = new Map();
  playback.setFrames([]);
  $('floor').dataset.heatmap = '';
  if (!heatmap) {
    $('heatmap-info').textContent = 'none yet: create one with POST /v1/heatmaps';
    paintHeatmap();
    return;
  }
  $('heatmap-info').textContent = `${heatmap.type.replace('_', ' ')} · cells of ${heatmap.cell_size} floor units`;
  remember();
  paintHeatmap();
  if (state.period.live) {
    await subscribeHeatmap();
  } else {
    await loadHeatmapData(heatmap, pick);
  }
}

async function subscribeHeatmap() {
  const heatmap = state.heatmap;
  if (!heatmap || !state.period?.live || !connected()) return; // (re)connecting subscribes it
  const pick = state.pick;
  const frames = await state.connection.invoke('SubscribeHeatmap', heatmap.id);
  if (pick !== state.pick || heatmap !== state.heatmap) return;
  state.buckets = new Map();
  frames.forEach(applyFrame);
  playback.setFrames(heatmapFrames());
  paintHeatmap();
  $('floor').dataset.heatmap = heatmap.id; // the snapshot is on screen
}

/** A period's cells from REST, hour by hour (a day at a time when hours would be too many points). */
async function loadHeatmapData(heatmap, pick) {
  const { first, last } = state.period;
  const path = (granularity) => `/v1/heatmaps/${enc(heatmap.id)}/data?start_date=${first}&end_date=${last}&granularity=${granularity}`;
  let data;
  try {
    data = await state.api.get(path('hour'));
  } catch (e) {
    if (e.status !== 400) throw e;
    data = await state.api.get(path('day'));
  }
  if (pick !== state.pick || heatmap !== state.heatmap) return;
  state.buckets = new Map();
  state.granularity = data.granularity;
  for (const p of data.data_points) {
    let bucket = state.buckets.get(p.timestamp);
    if (!bucket) state.buckets.set(p.timestamp, (bucket = new Map()));
    bucket.set(`${p.x},${p.y}`, [p.x, p.y, p.count]);
  }
  playback.setFrames(heatmapFrames());
  paintHeatmap();
  $('floor').dataset.heatmap = heatmap.id;
}

/** A live frame's cells are absolute totals in its bucket: they replace, never add to, what the bucket had. */
function applyFrame(frame) {
  let bucket = state.buckets.get(frame.bucket_start);
  if (!bucket) state.buckets.set(frame.bucket_start, (bucket = new Map()));
  for (const cell of frame.cells) {
    const [x, y, count] = liveCell(cell);
    bucket.set(`${x},${y}`, [x, y, count]);
  }
}

/** Buckets grouped into the playback's steps: local hours (or local days for day-sized buckets). */
function heatmapFrames() {
  const zone = state.heatmap?.timezone ?? 'UTC';
  const byStep = new Map();
  for (const [start, cells] of state.buckets) {
    const at = new Date(start);
    const date = localDate(zone, at);
    const key = state.period?.live || state.granularity === 'hour' ? `${date} ${localTime(zone, at).slice(0, 2)}:00` : date;
    if (!byStep.has(key)) byStep.set(key, []);
    byStep.get(key).push(cells);
  }
  return [...byStep.keys()].sort().map((key) => ({ key, cells: sumCells(byStep.get(key)) }));
}

function sumCells(maps) {
  const totals = new Map();
  for (const cells of maps) {
    for (const [key, [x, y, count]] of cells) {
      const cell = totals.get(key);
      if (cell) cell[2] += count;
      else totals.set(key, [x, y, count]);
    }
  }
  return totals;
}

let paintQueued = false;
function schedulePaint() {
  if (paintQueued) return;
  paintQueued = true;
  requestAnimationFrame(() => {
    paintQueued = false;
    paintHeatmap();
  });
}

/** The whole period, or the playback's step, over the floor; one scale for all steps of a playback. */
function paintHeatmap() {
  const heatmap = state.heatmap;
  const frame = playback.current();
  const cells = frame ? [...frame.cells.values()] : [...sumCells(state.buckets.values()).values()];
  const max = frame ? playback.maxCount() : cells.reduce((m, [, , c]) => Math.max(m, c), 0);
  floor.paint(cells, heatmap?.cell_size ?? 10, max, {
    whole: heatmap?.type !== 'dwell_time',
    unit: heatmap ? `${UNITS[heatmap.type] ?? ''} ${frame ? 'in this hour' : 'in the period'}` : '',
  });
  $('floor-empty').hidden = !heatmap || cells.some(([, , c]) => c > 0);
}

// ---- gateways, usage, landing ---------------------------------------------------------------------------

async function loadGateways() {
  const location = state.location;
  if (!location) return;
  const gateways = await state.api.get(`/v1/locations/${enc(location.id)}/gateways`);
  if (location !== state.location) return;
  const list = $('gateways');
  list.replaceChildren();
  const now = Date.now();
  const listed = gateways.filter((g) => now - Date.parse(g.last_seen) <= GATEWAY_LISTED_MS);
  const aged = gateways.length - listed.length;
  $('gateways-aged').hidden = aged === 0;
  $('gateways-aged').textContent = `${counted(aged, 'gateway')} not seen for over a day ${aged === 1 ? 'is' : 'are'} not listed.`;
  if (listed.length === 0) {
    const none = document.createElement('li');
    none.className = 'none';
    none.textContent = gateways.length === 0 ? 'No gateway has sent events here yet.' : 'No gateway has sent events here today.';
    list.append(none);
  }
  for (const gateway of listed) {
    const seen = Date.parse(gateway.last_seen);
    const online = now - seen <= GATEWAY_ONLINE_MS;
    const item = document.createElement('li');
    item.className = online ? 'online' : 'stale';
    item.dataset.gateway = gateway.gateway_id;
    item.dataset.online = online;
    item.title = `last seen ${new Date(seen).toLocaleString()} · ${counted(gateway.batches, 'batch', 'batches')} · ${counted(gateway.events, 'event')}`;
    const name = document.createElement('strong');
    name.textContent = gateway.gateway_id;
    const detail = document.createElement('span');
    detail.textContent = online ? 'online' : `stale · last seen ${ago(now - seen)}`;
    item.append(name, detail);
    list.append(item);
  }
}

async function loadUsage() {
  const api = state.api;
  let usage;
  try {
    usage = await api.get('/v1/usage');
    $('usage').textContent = `${usage.plan} plan · ${counted(usage.events_ingested, 'event')} this month`;
  } catch {
    $('usage').textContent = '';
    return;
  }
  await loadLanding(api, usage.tenant_id);
}

const LANDING_COUNTS = ['visitors_today', 'visitors_week', 'whatsapp_clicks', 'call_clicks', 'currency_toggles', 'qr_scans'];

/** The tenant's landing-page analytics (GET /api/analytics/{tenantId}); the card shows only once there are any. */
async function loadLanding(api, tenantId) {
  const card = $('landing');
  let data = null;
  try {
    data = (await api.get(`/api/analytics/${enc(tenantId)}`)).data;
  } catch (e) {
    console.warn('landing-page analytics not shown:', e);
  }
  if (api !== state.api) return; // the key changed meanwhile: that answer was about another tenant
  const present = !!data && (LANDING_COUNTS.some((name) => data[name] > 0) || data.avg_time_on_page > 0);
  card.hidden = !present;
  card.dataset.state = present ? 'shown' : 'empty';
  if (!present) return;
  for (const name of LANDING_COUNTS) $(`landing-${name}`).textContent = integer.format(data[name]);
  $('landing-avg_time_on_page').textContent = duration(data.avg_time_on_page);
  drawLandingDays(data.last_7_days);
  await loadLandingBreakdown(api, tenantId);
}

/** Page views by page, source and device (GET /api/analytics/{tenantId}/breakdown), Plausible's first lists. */
async function loadLandingBreakdown(api, tenantId) {
  let data;
  try {
    data = (await api.get(`/api/analytics/${enc(tenantId)}/breakdown`)).data;
  } catch (e) {
    console.warn('landing-page breakdown not shown:', e);
    return;
  }
  if (api !== state.api) return;
  const other = (list) => (list.other > 0 ? [{ name: 'other', pageviews: list.other, other: true }] : []);
  drawTally('landing-pages', [...data.pages.top, ...other(data.pages)]);
  drawTally('landing-referrers', [...data.referrers.top, ...other(data.referrers)]);
  drawTally('landing-devices', ['mobile', 'tablet', 'desktop']
    .map((name) => ({ name, pageviews: data.devices[name] }))
    .filter((row) => row.pageviews > 0));
}

/** One list of names with their page views, a bar behind each in proportion to the largest. */
function drawTally(id, rows) {
  const list = $(id);
  const max = Math.max(1, ...rows.map((r) => r.pageviews));
  list.replaceChildren(...rows.map((row) => {
    const item = document.createElement('li');
    item.dataset.name = row.name;
    if (row.other) item.classList.add('other');
    item.style.setProperty('--share', `${(100 * row.pageviews) / max}%`);
    const name = document.createElement('span');
    name.textContent = row.name;
    name.title = row.name;
    const count = document.createElement('span');
    count.className = 'count';
    count.textContent = integer.format(row.pageviews);
    item.title = counted(row.pageviews, 'page view');
    item.append(name, count);
    return item;
  }));
  if (!rows.length) {
    const empty = document.createElement('li');
    empty.className = 'none';
    empty.textContent = 'no page views yet';
    list.append(empty);
  }
}

/** Seven bars, oldest first, today last. */
function drawLandingDays(days) {
  const [width, height, bottom, top] = [440, 64, 14, 4];
  const max = Math.max(1, ...days.map((d) => d.visitors));
  const step = width / days.length;
  const svg = $('landing-days');
  svg.replaceChildren();
  days.forEach((day, i) => {
    const barHeight = (height - bottom - top) * (day.visitors / max);
    const bar = svgElement('rect', {
      x: i * step + 2, y: height - bottom - barHeight, width: step - 4, height: barHeight,
      class: i === days.length - 1 ? 'bar now' : 'bar',
    });
    bar.append(svgElement('title', {}, `${day.date} · ${counted(day.visitors, 'visitor')}`));
    svg.append(bar);
    svg.append(svgElement('text', { x: i * step + step / 2, y: height - 2, class: 'axis', 'text-anchor': 'middle' }, day.date.slice(5)));
  });
}

function svgElement(name, attributes, text) {
  const element = document.createElementNS('http://www.w3.org/2000/svg', name);
  for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, value);
  if (text !== undefined) element.textContent = text;
  return element;
}

// ---- small helpers --------------------------------------------------------------------------------------

function setStatus(kind, text) {
  const status = $('status');
  status.dataset.state = kind;
  status.textContent = text;
}

function showMessage(text) {
  $('message').textContent = text;
  $('message').hidden = !text;
}

function reportError(e) {
  console.error(e);
  showMessage(e?.message ? `Something went wrong: ${e.message}` : 'Something went wrong.');
}

// ---- wiring ---------------------------------------------------------------------------------------------

if (typeof signalR === 'undefined' || typeof Chart === 'undefined') {
  showMessage('lib/ is missing its libraries: build the project (dotnet build runs npm ci and copies them).');
  $('connect').disabled = true;
} else {
  $('key-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const key = $('api-key').value.trim();
    if (key) connect(key);
  });
  $('forget-key').addEventListener('click', forgetKey);
  $('location').addEventListener('change', (event) => openLocation(event.target.value));
  $('heatmap').addEventListener('change', (event) => {
    const heatmap = state.heatmaps.find((h) => h.id === event.target.value);
    if (heatmap) selectHeatmap(heatmap).catch(reportError);
  });
  $('period').addEventListener('change', () => selectPeriod().catch(reportError));
  for (const input of [$('from'), $('to')]) input.addEventListener('change', () => selectPeriod().catch(reportError));

  floor.paint([], 10, 0);
  const saved = sessionStorage.getItem(KEY_STORAGE);
  if (saved) connect(saved);
  else offerDemoKey();
}

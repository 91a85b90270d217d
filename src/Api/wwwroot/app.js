// The live dashboard. REST answers what changes slowly (locations, heatmaps, the floor plan, visitors by hour,
// gateways); the SignalR hub /hubs/live pushes what moves (heatmap cells and the location's counters).
// No framework: a handful of functions around one `state` object.
(() => {
  'use strict';

  const KEY_STORAGE = 'heatmapsaas.apiKey';
  const PICK_STORAGE = 'heatmapsaas.pick';
  const GATEWAY_ONLINE_MS = 2 * 60 * 1000;
  const GATEWAY_REFRESH_MS = 15 * 1000;
  const SLOW_REFRESH_MS = 60 * 1000;
  const HOURS_THROTTLE_MS = 2 * 1000;
  const RECONNECT_DELAY_MS = 5 * 1000;
  const FLOOR_MAX_PX = 900;
  const FLOOR_COLOUR = '#eef1f5';
  const GRID_COLOUR = '#dde2e9';
  const HEAT_ALPHA = 0.8;
  const COUNTERS = ['occupancy', 'visitors_today', 'impressions', 'discoveries', 'engagements', 'interactions', 'conversions'];
  const LANDING_COUNTS = ['visitors_today', 'visitors_week', 'whatsapp_clicks', 'call_clicks', 'currency_toggles', 'qr_scans'];
  const UNITS = {
    customer_flow: 'position samples per cell today',
    dwell_time: 'seconds of dwell per cell today',
    interactions: 'interactions per cell today',
  };
  // Low to high (ColorBrewer RdYlBu, reversed): blue for a few, dark red for the hottest cell.
  const SCALE = ['#4575b4', '#74add1', '#abd9e9', '#fee090', '#fdae61', '#f46d43', '#d73027', '#a50026'];

  const $ = (id) => document.getElementById(id);
  const enc = encodeURIComponent;
  const integer = new Intl.NumberFormat();
  const decimal = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

  const state = {
    key: null,
    connection: null,
    location: null, // GET /v1/locations/{id}
    heatmaps: [],
    heatmap: null, // an item of GET /v1/heatmaps
    floorImage: null, // ImageBitmap of the floor plan, or null: a plain floor
    buckets: new Map(), // bucket_start → Map("x,y" → [x, y, absolute count in that bucket])
    today: null, // the local date (heatmap's zone) the cells belong to
    locationPick: 0, // bumped by every selection, so answers to an older one are dropped
    heatmapPick: 0,
    lastCounters: null,
    timers: [],
    hoursTimer: null,
    paintQueued: false,
  };

  // ---- colour scale ---------------------------------------------------------------------------------------

  // 256 colours read back from the legend's own gradient, so the legend and the cells can never disagree.
  const palette = (() => {
    const bar = $('legend-bar');
    const ctx = bar.getContext('2d', { willReadFrequently: true });
    const gradient = ctx.createLinearGradient(0, 0, bar.width, 0);
    SCALE.forEach((colour, i) => gradient.addColorStop(i / (SCALE.length - 1), colour));
    ctx.fillStyle = gradient;
    ctx.fillRect(0, 0, bar.width, bar.height);
    const row = ctx.getImageData(0, 0, bar.width, 1).data;
    return Array.from({ length: bar.width }, (_, i) => `rgb(${row[4 * i]},${row[4 * i + 1]},${row[4 * i + 2]})`);
  })();

  // Square-root scale: footfall is heavy-tailed, and a linear one would paint all but the hottest cells alike.
  const scaleOf = (count, max) => Math.sqrt(Math.min(1, count / max));
  const colourOf = (count, max) => palette[Math.round(scaleOf(count, max) * (palette.length - 1))];

  /** Ticks at round values (whole ones for counts), placed where the square-root scale puts them. */
  function drawLegend(max) {
    const ticks = $('legend-ticks');
    ticks.replaceChildren();
    const whole = state.heatmap?.type !== 'dwell_time';
    const format = whole ? integer : decimal;
    let step = max > 0 ? niceCeil(max / 4) : 1;
    if (whole) step = Math.max(1, Math.round(step));
    const values = [];
    for (let v = 0; v <= max; v += step) values.push(v);
    if (max > 0 && values.at(-1) < max) {
      if (values.length > 1 && scaleOf(values.at(-1), max) > 0.9) values.pop(); // too close to the top label
      values.push(max);
    }
    for (const value of values) {
      const tick = document.createElement('span');
      tick.style.left = `${(max > 0 ? scaleOf(value, max) : 0) * 100}%`;
      tick.textContent = format.format(value);
      ticks.append(tick);
    }
  }

  // ---- REST -----------------------------------------------------------------------------------------------

  class ApiError extends Error {
    constructor(status, message) {
      super(message);
      this.status = status;
    }
  }

  async function api(path, as = 'json') {
    const response = await fetch(path, { headers: { Authorization: `Bearer ${state.key}` } });
    if (!response.ok) {
      let message = `${response.status} ${response.statusText}`;
      try {
        message = (await response.json()).error.message || message;
      } catch {
        // not the error envelope: keep the status line
      }
      throw new ApiError(response.status, message);
    }
    return as === 'blob' ? response.blob() : response.json();
  }

  /** Every item of a paged list (`{<field>: [...], pagination: {total}}`), 100 at a time. */
  async function listAll(path, field) {
    const items = [];
    const separator = path.includes('?') ? '&' : '?';
    for (let offset = 0; ; offset += 100) {
      const page = await api(`${path}${separator}limit=100&offset=${offset}`);
      items.push(...page[field]);
      if (page[field].length === 0 || items.length >= page.pagination.total) return items;
    }
  }

  // ---- key and connection ---------------------------------------------------------------------------------

  async function connect(key) {
    await disconnect();
    showMessage('');
    state.key = key;
    let locations;
    try {
      locations = await listAll('/v1/locations', 'locations');
    } catch (e) {
      state.key = null;
      sessionStorage.removeItem(KEY_STORAGE);
      showMessage(e.status === 401 ? 'That API key was not accepted.'
        : e.status === 403 ? 'This key may not read data (an ingest key?): use a full or read key.'
          : `Could not load the locations: ${e.message}`);
      return;
    }

    sessionStorage.setItem(KEY_STORAGE, key);
    $('api-key').value = '';
    $('api-key').placeholder = 'key kept for this tab';
    $('forget-key').hidden = false;
    $('dashboard').hidden = false;
    fillSelect($('location'), locations, (l) => (l.name === l.slug ? l.name : `${l.name} (${l.slug})`));

    startHub();
    loadUsage();
    state.timers.push(
      setInterval(() => loadGateways().catch(reportError), GATEWAY_REFRESH_MS),
      setInterval(() => { loadHours().catch(reportError); loadUsage(); checkDay(); }, SLOW_REFRESH_MS));

    if (locations.length === 0) {
      showMessage('This tenant has no locations yet: create one with POST /v1/locations.');
      return;
    }
    const remembered = JSON.parse(sessionStorage.getItem(PICK_STORAGE) || '{}');
    const first = locations.find((l) => l.id === remembered.location) ?? locations[0];
    $('location').value = first.id;
    await selectLocation(first.id, remembered.heatmap);
  }

  async function disconnect() {
    state.timers.forEach(clearInterval);
    state.timers = [];
    const connection = state.connection;
    state.connection = null; // before stop(), so onclose does not reconnect
    state.location = null;
    state.heatmap = null;
    state.locationPick++;
    state.heatmapPick++;
    $('landing').hidden = true; // another key may be another tenant
    $('landing').dataset.state = 'loading';
    if (connection) await connection.stop().catch(() => {});
  }

  async function forgetKey() {
    await disconnect();
    state.key = null;
    sessionStorage.removeItem(KEY_STORAGE);
    sessionStorage.removeItem(PICK_STORAGE);
    $('dashboard').hidden = true;
    $('forget-key').hidden = true;
    $('api-key').placeholder = 'API key (hm_live_…)';
    setStatus('offline', 'not connected');
  }

  function startHub() {
    const connection = new signalR.HubConnectionBuilder()
      .withUrl('/hubs/live', { accessTokenFactory: () => state.key })
      .withAutomaticReconnect()
      .configureLogging(signalR.LogLevel.Warning)
      .build();
    connection.on('heatmapUpdated', (frame) => {
      if (frame.heatmap_id !== state.heatmap?.id) return;
      applyFrame(frame);
      schedulePaint();
    });
    connection.on('locationCounters', (counters) => {
      if (counters.location_id === state.location?.id) showCounters(counters);
    });
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

  function unsubscribeQuietly(method, id) {
    if (connected()) state.connection.invoke(method, id).catch(() => {});
  }

  async function resubscribe() {
    await Promise.all([subscribeLocation(), subscribeHeatmap()]).catch(reportError);
  }

  // ---- selection ------------------------------------------------------------------------------------------

  async function selectLocation(id, preferredHeatmap) {
    const pick = ++state.locationPick;
    if (state.location) unsubscribeQuietly('UnsubscribeLocation', state.location.id);
    if (state.heatmap) unsubscribeQuietly('UnsubscribeHeatmap', state.heatmap.id);
    state.heatmapPick++;
    state.location = null;
    state.heatmap = null;
    state.buckets = new Map();
    showCounters(null);
    try {
      const [location, heatmaps, image] = await Promise.all([
        api(`/v1/locations/${enc(id)}`),
        listAll(`/v1/heatmaps?location_id=${enc(id)}`, 'heatmaps'),
        loadFloorImage(id),
      ]);
      if (pick !== state.locationPick) return;
      state.location = location;
      state.heatmaps = heatmaps;
      state.floorImage = image;
      sizeFloor();
      fillSelect($('heatmap'), heatmaps, (h) => `${h.name} · ${h.type.replace('_', ' ')}`);
      remember();
      const heatmap = heatmaps.find((h) => h.id === preferredHeatmap) ?? heatmaps[0];
      if (heatmap) $('heatmap').value = heatmap.id;
      else $('heatmap-info').textContent = 'no heatmap at this location yet (POST /v1/heatmaps)';
      await Promise.all([
        subscribeLocation(),
        loadHours(),
        loadGateways(),
        heatmap ? selectHeatmap(heatmap) : paint(),
      ]);
    } catch (e) {
      if (pick === state.locationPick) reportError(e);
    }
  }

  async function selectHeatmap(heatmap) {
    if (state.heatmap) unsubscribeQuietly('UnsubscribeHeatmap', state.heatmap.id);
    state.heatmapPick++;
    state.heatmap = heatmap;
    state.buckets = new Map();
    $('heatmap-info').textContent = `${heatmap.type.replace('_', ' ')} · cells of ${heatmap.cell_size} floor units`;
    $('legend-unit').textContent = UNITS[heatmap.type] ?? '';
    remember();
    paint();
    await subscribeHeatmap();
  }

  async function subscribeHeatmap() {
    const heatmap = state.heatmap;
    if (!heatmap || !connected()) return; // (re)connecting subscribes it
    const pick = state.heatmapPick;
    const frames = await state.connection.invoke('SubscribeHeatmap', heatmap.id);
    if (pick !== state.heatmapPick) return;
    state.today = localDate(heatmap.timezone);
    state.buckets = new Map();
    frames.forEach(applyFrame);
    paint();
    $('floor').dataset.heatmap = heatmap.id; // the snapshot is on screen
  }

  async function subscribeLocation() {
    const location = state.location;
    if (!location || !connected()) return;
    const counters = await state.connection.invoke('SubscribeLocation', location.id);
    if (location === state.location) showCounters(counters);
  }

  function remember() {
    sessionStorage.setItem(PICK_STORAGE, JSON.stringify({ location: state.location?.id, heatmap: state.heatmap?.id }));
  }

  /** At local midnight yesterday's cells and hours leave the screen: take a fresh snapshot. */
  function checkDay() {
    if (state.heatmap && state.today && localDate(state.heatmap.timezone) !== state.today) {
      resubscribe();
    }
  }

  // ---- heatmap --------------------------------------------------------------------------------------------

  /** A frame's cells are absolute totals in its bucket: they replace, never add to, what the bucket had. */
  function applyFrame(frame) {
    let bucket = state.buckets.get(frame.bucket_start);
    if (!bucket) state.buckets.set(frame.bucket_start, (bucket = new Map()));
    for (const [x, y, count] of frame.cells) bucket.set(`${x},${y}`, [x, y, count]);
  }

  /** Today's total per cell: the sum over today's buckets. */
  function cellTotals() {
    const totals = new Map();
    for (const bucket of state.buckets.values()) {
      for (const [key, [x, y, count]] of bucket) {
        const cell = totals.get(key);
        if (cell) cell[2] += count;
        else totals.set(key, [x, y, count]);
      }
    }
    return totals;
  }

  function floorSize() {
    const plan = state.location?.floor_plan;
    return { width: plan?.width || 1000, height: plan?.height || 1000 };
  }

  function sizeFloor() {
    const canvas = $('floor');
    const { width, height } = floorSize();
    const scale = Math.min(FLOOR_MAX_PX / width, FLOOR_MAX_PX / height);
    canvas.width = Math.max(1, Math.round(width * scale));
    canvas.height = Math.max(1, Math.round(height * scale));
    canvas.dataset.floorWidth = width;
    canvas.dataset.floorHeight = height;
  }

  function schedulePaint() {
    if (state.paintQueued) return;
    state.paintQueued = true;
    requestAnimationFrame(() => {
      state.paintQueued = false;
      paint();
    });
  }

  function paint() {
    const canvas = $('floor');
    const ctx = canvas.getContext('2d');
    const { width, height } = floorSize();
    const sx = canvas.width / width;
    const sy = canvas.height / height;

    ctx.globalAlpha = 1;
    if (state.floorImage) {
      ctx.drawImage(state.floorImage, 0, 0, canvas.width, canvas.height);
    } else {
      drawPlainFloor(ctx, width, height, sx, sy);
    }

    const totals = [...cellTotals().values()].filter(([, , count]) => count > 0);
    const max = totals.reduce((m, [, , count]) => Math.max(m, count), 0);
    // Cells arrive as their centres in floor units (as REST data_points): each spans half a cell either side.
    const half = (state.heatmap?.cell_size ?? 10) / 2;
    ctx.globalAlpha = HEAT_ALPHA;
    for (const [x, y, count] of totals) {
      const x0 = Math.round((x - half) * sx);
      const y0 = Math.round((y - half) * sy);
      const x1 = Math.round((x + half) * sx);
      const y1 = Math.round((y + half) * sy);
      ctx.fillStyle = colourOf(count, max);
      ctx.fillRect(x0, y0, Math.max(1, x1 - x0), Math.max(1, y1 - y0));
    }
    ctx.globalAlpha = 1;

    canvas.dataset.paintedCells = totals.length;
    canvas.dataset.maxCount = max;
    $('floor-empty').hidden = !state.heatmap || totals.length > 0;
    drawLegend(max);
  }

  /** No floor-plan image: the floor's outline with a light grid (about ten lines each way). */
  function drawPlainFloor(ctx, width, height, sx, sy) {
    ctx.fillStyle = FLOOR_COLOUR;
    ctx.fillRect(0, 0, ctx.canvas.width, ctx.canvas.height);
    const step = niceCeil(Math.max(width, height) / 10);
    ctx.strokeStyle = GRID_COLOUR;
    ctx.lineWidth = 1;
    ctx.beginPath();
    for (let x = step; x < width; x += step) {
      ctx.moveTo(Math.round(x * sx) + 0.5, 0);
      ctx.lineTo(Math.round(x * sx) + 0.5, ctx.canvas.height);
    }
    for (let y = step; y < height; y += step) {
      ctx.moveTo(0, Math.round(y * sy) + 0.5);
      ctx.lineTo(ctx.canvas.width, Math.round(y * sy) + 0.5);
    }
    ctx.stroke();
  }

  async function loadFloorImage(locationId) {
    try {
      return await createImageBitmap(await api(`/v1/locations/${enc(locationId)}/floor-plan`, 'blob'));
    } catch (e) {
      if (e.status !== 404) console.warn('floor plan not shown:', e);
      return null; // a plain floor instead
    }
  }

  // ---- counters, hours, gateways, usage -------------------------------------------------------------------

  function showCounters(counters) {
    for (const name of COUNTERS) {
      $(`counter-${name}`).textContent = counters ? integer.format(counters[name]) : '–';
    }
    $('last-update').textContent = counters?.last_update
      ? `last event ${new Date(counters.last_update).toLocaleTimeString()} · ${counters.gateways_online} gateway(s) online`
      : '';
    const previous = state.lastCounters;
    state.lastCounters = counters;
    if (!counters || previous?.location_id !== counters.location_id) return; // a new location loads them itself
    if (previous.impressions !== counters.impressions) scheduleHours();
    if (previous.gateways_online !== counters.gateways_online) loadGateways().catch(reportError);
  }

  /** Visitors by hour again, at most every couple of seconds however fast the counters move. */
  function scheduleHours() {
    if (state.hoursTimer) return;
    state.hoursTimer = setTimeout(() => {
      state.hoursTimer = null;
      loadHours().catch(reportError);
    }, HOURS_THROTTLE_MS);
  }

  async function loadHours() {
    const location = state.location;
    if (!location) return;
    const rows = await api(`/v1/traffic/impression-counts/${enc(location.id)}/${localDate(location.timezone)}?interval=hour`);
    if (location === state.location) drawHours(rows, localHour(location.timezone));
  }

  /** 24 bars, one per local hour (two for the hour a DST fall-back repeats). */
  function drawHours(rows, nowHour) {
    const slots = [];
    for (let hour = 0; hour < 24; hour++) {
      const inHour = rows.filter((r) => r.hr === hour);
      if (inHour.length === 0) slots.push({ hour, count: 0 });
      else inHour.forEach((r) => slots.push({ hour, count: r.impressions }));
    }
    const [width, height, left, bottom, top] = [480, 180, 30, 18, 8];
    const max = niceCeil(Math.max(1, ...slots.map((s) => s.count)));
    const plotHeight = height - bottom - top;
    const step = (width - left) / slots.length;
    const y = (count) => top + plotHeight * (1 - count / max);

    const svg = $('hours');
    svg.replaceChildren();
    for (const value of [0, max / 2, max]) {
      svg.append(svgElement('line', { x1: left, x2: width, y1: y(value), y2: y(value), class: 'gridline' }));
      svg.append(svgElement('text', { x: left - 4, y: y(value) + 4, class: 'axis', 'text-anchor': 'end' }, integer.format(value)));
    }
    slots.forEach((slot, i) => {
      const x = left + i * step;
      const bar = svgElement('rect', {
        x: x + 1, y: y(slot.count), width: Math.max(1, step - 2), height: plotHeight - (y(slot.count) - top),
        class: slot.hour === nowHour ? 'bar now' : 'bar',
      });
      bar.append(svgElement('title', {}, `${String(slot.hour).padStart(2, '0')}:00 · ${integer.format(slot.count)} visitors`));
      svg.append(bar);
      if (slot.hour % 3 === 0 && (i === 0 || slots[i - 1].hour !== slot.hour)) {
        svg.append(svgElement('text', { x: x + step / 2, y: height - 4, class: 'axis', 'text-anchor': 'middle' }, String(slot.hour)));
      }
    });
    svg.dataset.total = slots.reduce((sum, s) => sum + s.count, 0);
  }

  async function loadGateways() {
    const location = state.location;
    if (!location) return;
    const gateways = await api(`/v1/locations/${enc(location.id)}/gateways`);
    if (location !== state.location) return;
    const list = $('gateways');
    list.replaceChildren();
    if (gateways.length === 0) {
      const none = document.createElement('li');
      none.className = 'none';
      none.textContent = 'No gateway has sent events here yet.';
      list.append(none);
    }
    const now = Date.now();
    for (const gateway of gateways) {
      const seen = Date.parse(gateway.last_seen);
      const online = now - seen <= GATEWAY_ONLINE_MS;
      const item = document.createElement('li');
      item.className = online ? 'online' : 'offline';
      item.dataset.gateway = gateway.gateway_id;
      item.dataset.online = online;
      item.title = `last seen ${new Date(seen).toLocaleString()} · ${integer.format(gateway.batches)} batches · ${integer.format(gateway.events)} events`;
      const name = document.createElement('strong');
      name.textContent = gateway.gateway_id;
      const detail = document.createElement('span');
      detail.textContent = online ? 'online' : `offline · seen ${ago(now - seen)}`;
      item.append(name, detail);
      list.append(item);
    }
  }

  async function loadUsage() {
    let usage;
    try {
      usage = await api('/v1/usage');
      $('usage').textContent = `${usage.plan} plan · ${integer.format(usage.events_ingested)} events this month`;
    } catch {
      $('usage').textContent = '';
      return;
    }
    await loadLanding(usage.tenant_id);
  }

  /** The tenant's landing-page analytics (GET /api/analytics/{tenantId}); the card shows only once there are any. */
  async function loadLanding(tenantId) {
    const card = $('landing');
    const key = state.key;
    let data = null;
    try {
      data = (await api(`/api/analytics/${enc(tenantId)}`)).data;
    } catch (e) {
      console.warn('landing-page analytics not shown:', e);
    }
    if (key !== state.key) return; // the key changed meanwhile: that answer was about another tenant
    const present = !!data && (LANDING_COUNTS.some((name) => data[name] > 0) || data.avg_time_on_page > 0);
    card.hidden = !present;
    card.dataset.state = present ? 'shown' : 'empty';
    if (!present) return;
    for (const name of LANDING_COUNTS) $(`landing-${name}`).textContent = integer.format(data[name]);
    $('landing-avg_time_on_page').textContent = duration(data.avg_time_on_page);
    drawLandingDays(data.last_7_days);
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
      bar.append(svgElement('title', {}, `${day.date} · ${integer.format(day.visitors)} visitors`));
      svg.append(bar);
      svg.append(svgElement('text', { x: i * step + step / 2, y: height - 2, class: 'axis', 'text-anchor': 'middle' }, day.date.slice(5)));
    });
  }

  // ---- small helpers --------------------------------------------------------------------------------------

  function fillSelect(select, items, label) {
    select.replaceChildren(...items.map((item) => new Option(label(item), item.id)));
    select.disabled = items.length === 0;
  }

  function svgElement(name, attributes, text) {
    const element = document.createElementNS('http://www.w3.org/2000/svg', name);
    for (const [key, value] of Object.entries(attributes)) element.setAttribute(key, value);
    if (text !== undefined) element.textContent = text;
    return element;
  }

  /** yyyy-MM-dd of now in an IANA zone. */
  function localDate(timeZone) {
    return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
  }

  function localHour(timeZone) {
    return Number(new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', hourCycle: 'h23' }).format(new Date()));
  }

  /** 1, 2 or 5 times a power of ten, at least n. */
  function niceCeil(n) {
    const power = 10 ** Math.floor(Math.log10(n));
    return [1, 2, 5, 10].map((m) => m * power).find((v) => v >= n);
  }

  function duration(seconds) {
    const s = Math.round(seconds);
    return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
  }

  function ago(ms) {
    const s = Math.max(0, Math.round(ms / 1000));
    if (s < 60) return `${s} s ago`;
    if (s < 3600) return `${Math.round(s / 60)} min ago`;
    if (s < 86400) return `${Math.round(s / 3600)} h ago`;
    return `${Math.round(s / 86400)} d ago`;
  }

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

  if (typeof signalR === 'undefined') {
    showMessage('lib/signalr.min.js is missing: build the project (dotnet build runs npm ci and copies it).');
    $('connect').disabled = true;
    return;
  }

  $('key-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const key = $('api-key').value.trim();
    if (key) connect(key);
  });
  $('forget-key').addEventListener('click', forgetKey);
  $('location').addEventListener('change', (event) => selectLocation(event.target.value));
  $('heatmap').addEventListener('change', (event) => {
    const heatmap = state.heatmaps.find((h) => h.id === event.target.value);
    if (heatmap) selectHeatmap(heatmap).catch(reportError);
  });

  sizeFloor();
  paint();
  const saved = sessionStorage.getItem(KEY_STORAGE);
  if (saved) connect(saved);
})();

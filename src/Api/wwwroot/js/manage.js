// Managing the tenant from the page, through the public API only: locations (create, edit), heatmaps, the floor
// plan, API keys (the secret shown once), webhooks and their deliveries, and CSV exports of what is on screen.
import { counted } from './format.js';
import { rangeQuery } from './periods.js';

const enc = encodeURIComponent;

export class Manage {
  /** `context()` → { api, location, period, heatmap }; `changed(openId)` reloads the stores after an edit. */
  constructor(root, { context, changed, report }) {
    Object.assign(this, { root, context, changed, report });
    this.$ = (name) => root.querySelector(`[data-part="${name}"]`);
    this.form('location-create', (data) => this.createLocation(data));
    this.form('location-edit', (data) => this.editLocation(data));
    this.form('heatmap-create', (data) => this.createHeatmap(data));
    this.form('floor-plan', (data, form) => this.uploadFloorPlan(form));
    this.form('key-create', (data) => this.createKey(data));
    this.form('webhook-create', (data, form) => this.createWebhook(data, form));
    root.querySelectorAll('[data-export]').forEach((button) => button.addEventListener('click', () => this.export(button.dataset.export).catch(report)));
    root.addEventListener('toggle', () => { if (root.open) this.refresh().catch(report); });
  }

  form(name, submit) {
    const form = this.$(name);
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const status = form.querySelector('.form-status');
      status.textContent = '';
      status.dataset.state = 'busy';
      try {
        const data = Object.fromEntries(new FormData(form).entries());
        const done = await submit(data, form);
        status.textContent = done ?? 'saved';
        status.dataset.state = 'done';
      } catch (e) {
        status.textContent = e.message;
        status.dataset.state = 'error';
      }
    });
  }

  /** What depends on the open store and on the tenant's lists. */
  async refresh() {
    const { location } = this.context();
    const edit = this.$('location-edit');
    edit.hidden = !location;
    this.$('heatmap-create').hidden = !location;
    this.$('floor-plan').hidden = !location;
    if (location) {
      edit.elements.name.value = location.name;
      edit.elements.capacity.value = location.capacity ?? '';
      edit.elements.timezone.value = location.timezone;
      this.root.querySelectorAll('[data-store-name]').forEach((e) => { e.textContent = location.name; });
    }
    await Promise.all([this.listKeys(), this.listWebhooks()]);
  }

  async createLocation(data) {
    const { api } = this.context();
    const body = { name: data.name, type: data.type || undefined, timezone: data.timezone || undefined };
    if (data.capacity) body.capacity = Number(data.capacity);
    if (data.parent_id) body.parent_id = data.parent_id;
    const created = await api.request('POST', '/v1/locations', { body });
    await this.changed(created.id);
    return `created ${created.name} (${created.slug})`;
  }

  async editLocation(data) {
    const { api, location } = this.context();
    const body = { name: data.name, timezone: data.timezone, capacity: data.capacity === '' ? 0 : Number(data.capacity) };
    const updated = await api.request('PATCH', `/v1/locations/${enc(location.id)}`, { body });
    await this.changed(updated.id);
    return 'saved';
  }

  async createHeatmap(data) {
    const { api, location } = this.context();
    const created = await api.request('POST', '/v1/heatmaps', {
      body: { name: data.name, location_id: location.id, type: data.type, cell_size: Number(data.cell_size) },
    });
    await this.changed(location.id, created.id);
    return `created ${created.name}`;
  }

  async uploadFloorPlan(form) {
    const { api, location } = this.context();
    const file = form.elements.image.files[0];
    if (!file) throw new Error('Choose a PNG or JPEG image first.');
    await api.request('PUT', `/v1/locations/${enc(location.id)}/floor-plan`, { body: file, contentType: file.type || 'image/png', as: 'text' });
    await this.changed(location.id);
    return 'floor plan stored';
  }

  async createKey(data) {
    const { api } = this.context();
    const created = await api.request('POST', '/v1/api-keys', { body: { name: data.name, scope: data.scope } });
    const shown = this.$('key-secret');
    shown.hidden = false;
    shown.querySelector('code').textContent = created.api_key;
    await this.listKeys();
    return 'created: copy the key now, it is not shown again';
  }

  async listKeys() {
    const { api } = this.context();
    const { api_keys: keys } = await api.get('/v1/api-keys');
    const list = this.$('keys');
    list.replaceChildren(...keys.map((key) => {
      const item = document.createElement('li');
      item.dataset.key = key.id;
      item.textContent = `${key.name} · ${key.scope} · ${key.prefix}…${key.last4} `;
      const revoke = button('Revoke', async () => {
        if (api.key.endsWith(key.last4) && !confirm('This is the key this page uses. Revoke it anyway?')) return;
        await api.request('DELETE', `/v1/api-keys/${enc(key.id)}`);
        await this.listKeys();
      }, this.report);
      item.append(revoke);
      return item;
    }));
    this.$('keys-count').textContent = counted(keys.length, 'key');
  }

  async createWebhook(data, form) {
    const { api } = this.context();
    const events = [...form.querySelectorAll('input[name="events"]:checked')].map((e) => e.value);
    const created = await api.request('POST', '/v1/webhooks', { body: { url: data.url, events, active: true } });
    const shown = this.$('webhook-secret');
    shown.hidden = false;
    shown.querySelector('code').textContent = created.secret;
    await this.listWebhooks();
    return 'registered: copy the signing secret now, it is not shown again';
  }

  async listWebhooks() {
    const { api } = this.context();
    const webhooks = await api.listAll('/v1/webhooks', 'webhooks');
    const list = this.$('webhooks');
    list.replaceChildren(...webhooks.map((webhook) => {
      const item = document.createElement('li');
      item.dataset.webhook = webhook.id;
      item.textContent = `${webhook.url} · ${webhook.events.join(', ')}${webhook.active ? '' : ' · off'} `;
      const deliveries = document.createElement('ul');
      deliveries.className = 'deliveries';
      item.append(button('Deliveries', () => this.showDeliveries(webhook.id, deliveries), this.report), deliveries);
      return item;
    }));
  }

  async showDeliveries(id, list) {
    const { api } = this.context();
    const all = await api.listAll(`/v1/webhooks/${enc(id)}/deliveries`, 'deliveries');
    list.replaceChildren(...(all.length === 0 ? [li('no deliveries yet')] : all.slice(-20).reverse().map((d) => {
      const last = d.attempts.at(-1);
      const item = li(`${d.event} · ${d.status} · ${counted(d.attempts.length, 'attempt')}${last?.status_code ? ` · HTTP ${last.status_code}` : ''}`);
      item.dataset.status = d.status;
      return item;
    })));
  }

  /** CSV of the open store's period (the API answers CSV to `Accept: text/csv`), saved as a file. */
  async export(what) {
    const { api, location, period, heatmap } = this.context();
    const paths = {
      analytics: `/v1/locations/${enc(location.id)}/analytics?${rangeQuery(period)}`,
      heatmap: heatmap && `/v1/heatmaps/${enc(heatmap.id)}/data?start_date=${period.first}&end_date=${period.last}&granularity=hour`,
      traffic: `/v1/traffic/impression-counts/${enc(location.id)}/${period.last}?interval=hour`,
    };
    if (!paths[what]) throw new Error('Nothing to export: this store has no heatmap.');
    const csv = await api.request('GET', paths[what], { accept: 'text/csv', as: 'text' });
    const link = document.createElement('a');
    link.href = URL.createObjectURL(new Blob([csv], { type: 'text/csv' }));
    link.download = `${location.slug}-${what}-${period.first}_${period.last}.csv`;
    document.body.append(link);
    link.click();
    link.remove();
  }
}

function button(text, onClick, report) {
  const element = document.createElement('button');
  element.type = 'button';
  element.className = 'secondary small';
  element.textContent = text;
  element.addEventListener('click', () => onClick().catch(report));
  return element;
}

function li(text) {
  const item = document.createElement('li');
  item.textContent = text;
  return item;
}

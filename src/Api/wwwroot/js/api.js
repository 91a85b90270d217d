// The public REST API as the page calls it: one key, the contract's error envelope read into ApiError, paged
// lists gathered, and many small GETs run a few at a time (answers about finished days kept a few minutes).

const PARALLEL = 6;
const KEEP_MS = 5 * 60 * 1000;

export class ApiError extends Error {
  constructor(status, message, code) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export class Api {
  constructor(key) {
    this.key = key;
    this.kept = new Map(); // path → { at, promise }
    this.running = 0;
    this.waiting = [];
  }

  async request(method, path, { body, contentType, accept, as = 'json' } = {}) {
    const headers = { Authorization: `Bearer ${this.key}` };
    if (accept) headers.Accept = accept;
    if (body !== undefined) headers['Content-Type'] = contentType ?? 'application/json';
    const payload = body === undefined || contentType ? body : JSON.stringify(body);
    const response = await fetch(path, { method, headers, body: payload });
    if (!response.ok) {
      let message = `${response.status} ${response.statusText}`;
      let code;
      try {
        const error = (await response.json()).error;
        message = error.message || message;
        code = error.code;
      } catch {
        // not the error envelope: keep the status line
      }
      throw new ApiError(response.status, message, code);
    }
    if (response.status === 204) return null;
    return as === 'blob' ? response.blob() : as === 'text' ? response.text() : response.json();
  }

  get(path, as) {
    return this.request('GET', path, { as });
  }

  /** A GET run a few at a time; `keep` reuses an answer for a few minutes (days that are over). */
  getQueued(path, keep = false) {
    const now = Date.now();
    const hit = keep && this.kept.get(path);
    if (hit && now - hit.at < KEEP_MS) return hit.promise;
    const promise = this.queued(() => this.get(path));
    if (keep) {
      this.kept.set(path, { at: now, promise });
      promise.catch(() => this.kept.delete(path));
    }
    return promise;
  }

  async queued(work) {
    if (this.running >= PARALLEL) await new Promise((resolve) => this.waiting.push(resolve));
    this.running++;
    try {
      return await work();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }

  /** Every item of a paged list (`{<field>: [...], pagination: {total}}`), 100 at a time. */
  async listAll(path, field) {
    const items = [];
    const separator = path.includes('?') ? '&' : '?';
    for (let offset = 0; ; offset += 100) {
      const page = await this.get(`${path}${separator}limit=100&offset=${offset}`);
      items.push(...page[field]);
      if (page[field].length === 0 || items.length >= page.pagination.total) return items;
    }
  }
}

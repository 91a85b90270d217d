// Periods in a store's own time zone: the range picker's choices, the previous equal period, and the query
// parameters the REST endpoints take (a date means local midnight; a date-only end is inclusive; a local
// date-time end is exclusive).

const QUARTER_MS = 15 * 60 * 1000;

/** yyyy-MM-dd of an instant in an IANA zone. */
export function localDate(timeZone, at = new Date()) {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

/** HH:mm of an instant in an IANA zone (24-hour clock). */
export function localTime(timeZone, at = new Date()) {
  return new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(at);
}

export function localHour(timeZone, at = new Date()) {
  return Number(localTime(timeZone, at).slice(0, 2));
}

/** A calendar date moved by whole days (no zone involved: dates are labels here). */
export function addDays(date, days) {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export function daysBetween(first, last) {
  return Math.round((Date.parse(`${last}T00:00:00Z`) - Date.parse(`${first}T00:00:00Z`)) / 86400000);
}

/** Every date from first to last, inclusive. */
export function datesOf(first, last) {
  const dates = [];
  for (let d = first; d <= last; d = addDays(d, 1)) dates.push(d);
  return dates;
}

/** Monday of a date's week. */
export function weekStart(date) {
  const weekday = (new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7;
  return addDays(date, -weekday);
}

/**
 * The chosen period: `kind` one of today, yesterday, 7d, 30d, custom (with `from`/`to`). `until` is the local
 * time a partial day (today so far) ends at, rounded up to the quarter hour the endpoints count in; null for
 * whole days.
 */
export function periodOf(kind, timeZone, custom = {}, now = new Date()) {
  const today = localDate(timeZone, now);
  switch (kind) {
    case 'today': return { kind, first: today, last: today, until: quarterAfter(timeZone, now), live: true };
    case 'yesterday': return whole(kind, addDays(today, -1), addDays(today, -1));
    case '7d': return whole(kind, addDays(today, -6), today);
    case '30d': return whole(kind, addDays(today, -29), today);
    default: {
      const [from, to] = [custom.from || today, custom.to || custom.from || today].sort();
      return whole('custom', from, to);
    }
  }
}

function whole(kind, first, last) {
  return { kind, first, last, until: null, live: false };
}

/** The equal period just before: as many days; a partial day is compared up to the same local time. */
export function previousOf(period) {
  const days = daysBetween(period.first, period.last) + 1;
  return { kind: 'previous', first: addDays(period.first, -days), last: addDays(period.last, -days), until: period.until, live: false };
}

/** The same period a week earlier (the overview's comparison: same weekday last week, same time of day). */
export function weekBefore(period) {
  return { kind: 'week-before', first: addDays(period.first, -7), last: addDays(period.last, -7), until: period.until, live: false };
}

export function dayCount(period) {
  return daysBetween(period.first, period.last) + 1;
}

/** start_date/end_date for analytics and heatmap data. */
export function rangeQuery(period) {
  const end = period.until ? `${period.last}T${period.until}` : period.last;
  return `start_date=${period.first}&end_date=${end}`;
}

/** Local time rounded up to the next quarter hour; null once that reaches midnight (the whole day). */
function quarterAfter(timeZone, now) {
  const next = new Date(Math.ceil((now.getTime() + 1) / QUARTER_MS) * QUARTER_MS);
  return localDate(timeZone, next) === localDate(timeZone, now) ? localTime(timeZone, next) : null;
}

export function label(period) {
  const names = { today: 'today', yesterday: 'yesterday', '7d': 'the last 7 days', '30d': 'the last 30 days' };
  if (names[period.kind]) return names[period.kind];
  const span = period.first === period.last ? period.first : `${period.first} – ${period.last}`;
  return period.until ? `${span} until ${period.until}` : span;
}

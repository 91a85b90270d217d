// A store's figures over a period, from the REST endpoints: analytics (visitors, dwell, conversions, the days)
// and the traffic counts (impressions, discoveries, engagements, interactions; impressions also by hour).
import { addDays, datesOf, dayCount, localDate, rangeQuery, weekStart } from './periods.js';

const TRAFFIC = [
  ['impressions', 'impression-counts'],
  ['discoveries', 'discovery-counts'],
  ['engagements', 'engagement-counts'],
  ['interactions', 'interaction-counts'],
];

/** Figures of `period` at `location` ({id, timezone}): totals by name, impressions by local hour, visitors by day. */
export async function figuresOf(api, location, period) {
  const id = encodeURIComponent(location.id);
  const [analytics, traffic] = await Promise.all([
    api.getQueued(`/v1/locations/${id}/analytics?${rangeQuery(period)}`),
    trafficOf(api, location, period),
  ]);
  const m = analytics.metrics;
  return {
    visitors: m.visitors,
    conversions: m.conversions,
    conversion_rate: m.conversion_rate,
    avg_dwell: m.avg_duration_minutes * 60,
    ...traffic.totals,
    hourly: traffic.hourly,
    daily: analytics.daily_breakdown.map((d) => ({ date: d.date, visitors: d.visitors })),
  };
}

/** Per-day traffic counts added up; a partial last day (today so far) counted in quarters up to `until`. */
async function trafficOf(api, location, period) {
  const id = encodeURIComponent(location.id);
  const today = localDate(location.timezone);
  const totals = Object.fromEntries(TRAFFIC.map(([name]) => [name, 0]));
  const hourly = new Array(24).fill(0);
  const jobs = [];
  for (const date of datesOf(period.first, period.last)) {
    const partial = period.until && date === period.last;
    for (const [name, kind] of TRAFFIC) {
      const interval = partial ? '15min' : name === 'impressions' ? 'hour' : 'day';
      const path = `/v1/traffic/${kind}/${id}/${date}?interval=${interval}`;
      jobs.push(api.getQueued(path, date < today).then((rows) => {
        for (const row of rows) {
          if (partial && row.start.slice(11, 16) >= period.until) continue;
          totals[name] += row[name];
          if (name === 'impressions' && row.hr !== undefined) hourly[row.hr] += row[name];
        }
      }));
    }
  }
  await Promise.all(jobs);
  return { totals, hourly };
}

/**
 * Visitors per day for the daily chart (the period, at least 14 days, and as many before it) and per week for
 * the weekly chart (the last 8 weeks, Monday first, the running week included), from one analytics request.
 */
export async function trendOf(api, location, period) {
  const shown = Math.max(dayCount(period), 14);
  const span = Math.max(2 * shown, 8 * 7 + 6);
  const first = addDays(period.last, -(span - 1));
  const answer = await api.getQueued(
    `/v1/locations/${encodeURIComponent(location.id)}/analytics?start_date=${first}&end_date=${period.last}&metrics=visitors`);
  const days = answer.daily_breakdown.map((d) => ({ date: d.date, visitors: d.visitors }));
  const weeks = new Map();
  for (const day of days) {
    const week = weekStart(day.date);
    if (week < first) continue; // a week the request saw only part of
    weeks.set(week, (weeks.get(week) ?? 0) + day.visitors);
  }
  return {
    days: days.slice(-shown),
    daysBefore: days.slice(-2 * shown, -shown),
    weeks: [...weeks].slice(-8).map(([week, visitors]) => ({ week, visitors })),
  };
}

// Numbers, durations, plurals and changes as the page shows them (English, the page's language).

export const integer = new Intl.NumberFormat('en');
export const decimal = new Intl.NumberFormat('en', { maximumFractionDigits: 1 });
export const percent = new Intl.NumberFormat('en', { style: 'percent', maximumFractionDigits: 1 });
const plurals = new Intl.PluralRules('en');

/** "1 visitor", "2 visitors", "0 visitors": the plural form English uses for the count. */
export function counted(n, one, other = `${one}s`) {
  return `${integer.format(n)} ${plurals.select(n) === 'one' ? one : other}`;
}

export function duration(seconds) {
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m} min ${s % 60} s` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

export function ago(ms) {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  return counted(Math.round(s / 86400), 'day') + ' ago';
}

/**
 * The change from `previous` to `current`: its direction and a short text ("+12%", "−3%", "new", "no change").
 * Percentages of a previous zero mean nothing, so those read "new" (or "no change" when both are zero).
 */
export function change(current, previous) {
  if (current == null || previous == null) return { direction: 'none', text: '' };
  if (previous === 0) return current === 0 ? { direction: 'flat', text: 'no change' } : { direction: 'up', text: 'new' };
  const ratio = (current - previous) / previous;
  if (Math.abs(ratio) < 0.0005) return { direction: 'flat', text: 'no change' };
  const text = `${ratio > 0 ? '+' : '−'}${percent.format(Math.abs(ratio))}`;
  return { direction: ratio > 0 ? 'up' : 'down', text };
}

/** 1, 2 or 5 times a power of ten, at least n. */
export function niceCeil(n) {
  if (n <= 0) return 1;
  const power = 10 ** Math.floor(Math.log10(n));
  return [1, 2, 5, 10].map((m) => m * power).find((v) => v >= n);
}

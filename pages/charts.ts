// Charts drawn on the server as inline SVG: bars (distributions, fairness), a funnel (the filter
// analyzer) and a week-by-hour grid (arrivals against the pools' hours). Each chart has a <title>
// for screen readers and hover, the number written on the drawing, and the same figures as a
// table under a <details>, so nothing is only a shape.

import { formatNumber, html, leadCount, shorten, table, type Html } from './html';

export interface Bar {
  label: string;
  value: number;
  /** Drawn in the warning colour (an exception rate over the threshold, a starved member). */
  warn?: boolean;
}

const WIDTH = 760;
const LABEL_W = 220;
const ROW = 26;

/** Horizontal bars, one per item, in the order given, the value written at the end of each bar. */
export function barChart(title: string, bars: readonly Bar[], valueHeading = 'Leads'): Html {
  const max = Math.max(1, ...bars.map((b) => b.value));
  const room = WIDTH - LABEL_W - 70;
  const height = Math.max(1, bars.length) * ROW + 8;
  const rows = bars.map((b, i) => {
    const y = 4 + i * ROW;
    const w = b.value <= 0 ? 0 : Math.max(2, Math.round((room * b.value) / max));
    return html`<g><title>${b.label}: ${formatNumber(b.value)}</title><text x="${LABEL_W - 8}" y="${y + 17}" text-anchor="end">${shorten(b.label, 30)}</text><rect class="${b.warn === true ? 'bar warn' : 'bar'}" x="${LABEL_W}" y="${y + 4}" width="${w}" height="${ROW - 8}" rx="2"></rect><text x="${LABEL_W + w + 6}" y="${y + 17}">${formatNumber(b.value)}</text></g>`;
  });
  return figure(
    title,
    html`<svg viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img"><title>${title}</title>${rows}</svg>`,
    table(title, ['', valueHeading], bars.map((b) => [b.label, b.value])),
  );
}

export interface FunnelStep {
  label: string;
  /** Leads that reached the step. */
  value: number;
  /** A plain-words note beside the step (`took 40`, `most failed: country in [US]`). */
  note: string;
}

/** A funnel: one centred band per step, as wide as the leads that reached it. */
export function funnel(title: string, steps: readonly FunnelStep[]): Html {
  const max = Math.max(1, ...steps.map((s) => s.value));
  const band = 420;
  const height = Math.max(1, steps.length) * 34 + 8;
  const rows = steps.map((s, i) => {
    const y = 4 + i * 34;
    const w = s.value <= 0 ? 0 : Math.max(2, Math.round((band * s.value) / max));
    const x = 10 + (band - w) / 2;
    return html`<g><title>${s.label}: ${formatNumber(s.value)} reached; ${s.note}</title><rect class="step" x="${x}" y="${y + 3}" width="${w}" height="26" rx="3"></rect><text x="${10 + band / 2}" y="${y + 21}" text-anchor="middle" class="muted">${formatNumber(s.value)}</text><text x="${band + 24}" y="${y + 14}">${shorten(s.label, 44)}</text><text x="${band + 24}" y="${y + 28}" class="muted">${shorten(s.note, 50)}</text></g>`;
  });
  return figure(
    title,
    html`<svg viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img"><title>${title}</title>${rows}</svg>`,
    table(title, ['Step', 'Reached', ''], steps.map((s) => [s.label, s.value, s.note])),
  );
}

export const WEEKDAYS = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'] as const;

/**
 * Arrivals per hour of the week: `counts[d][h]` leads on ISO weekday d + 1 at hour h, and
 * `open[d][h]` whether the pools are open then (outlined cells); darker cells had more leads.
 */
export function weekHourGrid(title: string, counts: readonly (readonly number[])[], open: readonly (readonly boolean[])[] | null): Html {
  const cell = 24;
  const left = 44;
  const max = Math.max(1, ...counts.flat());
  const cells = WEEKDAYS.map((day, d) =>
    Array.from({ length: 24 }, (_, h) => {
      const n = counts[d]?.[h] ?? 0;
      const isOpen = open?.[d]?.[h] ?? false;
      const shade = n === 0 ? 0 : 0.15 + (0.85 * n) / max;
      return html`<rect class="cell" x="${left + h * cell}" y="${20 + d * cell}" width="${cell - 2}" height="${cell - 2}" fill="#3b6ea8" fill-opacity="${shade.toFixed(2)}" stroke="${isOpen ? '#2f7d4f' : '#d8dee6'}" stroke-width="${isOpen ? 2 : 1}"><title>${day} ${String(h).padStart(2, '0')}:00 · ${leadCount(n)}${open === null ? '' : isOpen ? ' · open' : ' · closed'}</title></rect>`;
    }),
  );
  const hours = [0, 3, 6, 9, 12, 15, 18, 21].map((h) => html`<text x="${left + h * cell}" y="14" class="muted">${String(h).padStart(2, '0')}</text>`);
  const days = WEEKDAYS.map((day, d) => html`<text x="0" y="${36 + d * cell}">${day}</text>`);
  const width = left + 24 * cell;
  const height = 20 + 7 * cell + 4;
  return figure(
    title,
    html`<svg viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img"><title>${title}</title>${hours}${days}${cells}</svg>`,
    table(title, ['Day', ...Array.from({ length: 24 }, (_, h) => String(h))], WEEKDAYS.map((day, d) => [day, ...Array.from({ length: 24 }, (_, h) => counts[d]?.[h] ?? 0)])),
  );
}

/** A chart with its caption and its table fallback. */
function figure(title: string, drawing: Html, fallback: Html): Html {
  return html`<figure><figcaption>${title}</figcaption>${drawing}<details><summary>The figures as a table</summary>${fallback}</details></figure>`;
}

// The one way pages are written: markup is an `Html` value made only by the `html` template here,
// which escapes every value put into it unless that value is already `Html`. User text (policy
// names, members, lead values) can therefore only ever become escaped text, in element content or
// in a quoted attribute, never markup, CSS or script. A page is self-contained: inline CSS and
// SVG, no script, and a Content-Security-Policy that forbids loading anything.

/** Markup made by `html` (or `new Html` around constant markup written in this stage). */
export class Html {
  constructor(readonly markup: string) {}
  toString(): string {
    return this.markup;
  }
}

/** What may be put into a template: text is escaped, numbers are written plainly (coordinates; format figures with formatNumber), arrays are joined, null and false are nothing. */
export type Child = Html | string | number | null | undefined | false | readonly Child[];

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text safe in element content and in a quoted attribute. */
export function escapeText(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

function render(child: Child): string {
  if (child === null || child === undefined || child === false) return '';
  if (child instanceof Html) return child.markup;
  if (Array.isArray(child)) return child.map(render).join('');
  if (typeof child === 'number') return String(child);
  return escapeText(child as string);
}

/** `html\`<td class="n">${count}</td>\``: the template's own text is markup; every value is escaped. */
export function html(strings: TemplateStringsArray, ...values: Child[]): Html {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1];
  return new Html(out);
}

/** A number as a reader sees it: thousands separated, at most one decimal. */
export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  return n.toLocaleString('en-US', { maximumFractionDigits: 1 });
}

/** `1 lead`, `2 leads`: a count with its noun. */
export function leadCount(n: number): string {
  return `${formatNumber(n)} ${n === 1 ? 'lead' : 'leads'}`;
}

/** `12.5%` of `part` in `whole`, or `–` when `whole` is 0. */
export function percent(part: number, whole: number): string {
  return whole === 0 ? '–' : `${formatNumber((100 * part) / whole)}%`;
}

/** Text cut to `max` characters with an ellipsis, for labels inside drawings (the full text goes in a <title>). */
export function shorten(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** A table: a caption, header cells and rows of cells; numeric cells are right-aligned. */
export function table(caption: string, head: readonly string[], rows: readonly (readonly Child[])[]): Html {
  return html`<table><caption>${caption}</caption><thead><tr>${head.map((h) => html`<th scope="col">${h}</th>`)}</tr></thead><tbody>${rows.map(
    (row) => html`<tr>${row.map((cell) => (typeof cell === 'number' ? html`<td class="n">${formatNumber(cell)}</td>` : html`<td>${cell}</td>`))}</tr>`,
  )}</tbody></table>`;
}

/** A section of a page with its heading and an optional plain-words lead-in. */
export function section(title: string, intro: string | null, ...body: Child[]): Html {
  return html`<section><h2>${title}</h2>${intro === null ? null : html`<p class="intro">${intro}</p>`}${body}</section>`;
}

/** Headline figures shown as large numbers. */
export function tiles(items: readonly { label: string; value: string; warn?: boolean }[]): Html {
  return html`<dl class="tiles">${items.map((t) => html`<div class="${t.warn === true ? 'tile warn' : 'tile'}"><dt>${t.label}</dt><dd>${t.value}</dd></div>`)}</dl>`;
}

const CSS = `
:root{--ink:#1d2733;--muted:#5b6775;--line:#d8dee6;--bar:#3b6ea8;--warn:#b3471d;--ok:#2f7d4f;--bg:#f7f9fb}
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:var(--bg)}
main{max-width:1120px;margin:0 auto;padding:24px 28px 48px}
h1{font-size:26px;margin:0 0 4px}h2{font-size:19px;margin:0 0 6px}
.sub,.intro{color:var(--muted);margin:0 0 12px}
section{background:#fff;border:1px solid var(--line);border-radius:8px;padding:18px 20px;margin:18px 0}
.tiles{display:flex;flex-wrap:wrap;gap:12px;margin:12px 0}
.tile{background:#fff;border:1px solid var(--line);border-radius:8px;padding:10px 14px;min-width:150px}
.tile dt{color:var(--muted);font-size:13px}.tile dd{margin:0;font-size:24px;font-weight:600}
.tile.warn{border-color:var(--warn)}.tile.warn dd{color:var(--warn)}
figure{margin:12px 0}figcaption{font-weight:600;margin-bottom:6px}
svg{max-width:100%;height:auto;font-family:inherit}
svg text{font-size:12px;fill:var(--ink)}svg .muted{fill:var(--muted)}
svg .bar,svg .step{fill:var(--bar)}svg .bar.warn{fill:var(--warn)}
svg .edge{fill:none;stroke:#9aa8b8}svg .node rect{fill:#fff;stroke:#6d7f93}
svg .node.rule rect{fill:#eef3fa}svg .node.queue rect{fill:#fbf1e9}svg .node.fallback rect{fill:#fbe6e0;stroke:var(--warn)}
svg .closed{fill:#eceff3}svg .open{fill:#fff;stroke:var(--ok);stroke-width:1}
table{border-collapse:collapse;margin:8px 0;font-size:14px}
caption{text-align:left;color:var(--muted);padding-bottom:4px}
th,td{border-bottom:1px solid var(--line);padding:4px 10px;text-align:left;vertical-align:top}
td.n{text-align:right;font-variant-numeric:tabular-nums}
details{margin:6px 0}summary{cursor:pointer;color:var(--muted)}
.flag{color:var(--warn);font-weight:600}
`;

/** A whole page: the title, a sub-title line, then the sections. */
export function page(title: string, subtitle: string, body: Child): string {
  return `<!doctype html>\n${html`<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'"><title>${title}</title><style>${new Html(CSS)}</style></head><body><main><h1>${title}</h1><p class="sub">${subtitle}</p>${body}</main></body></html>`.markup}\n`;
}

// Campaign context: why the lead came in (UTM parameters, the form and page, the ad set), gathered
// into one `campaign_context` object so the rep sees it in one place. Values come from the lead's
// own fields (`utm_source`, a `utm` object, `ad_set`, ...) and from the query string and path of
// the page the form was on. The original fields stay where they are.

import { isOwn, isRecord, MAX_SHORT_CHARS, tidyLine } from '../fields/text';

/** Context keys, and the lead fields each is read from (the first in this order wins). */
const CONTEXT_SOURCES: readonly (readonly [string, readonly string[]])[] = [
  ['utm_source', ['utm_source', 'utmSource']],
  ['utm_medium', ['utm_medium', 'utmMedium']],
  ['utm_campaign', ['utm_campaign', 'utmCampaign']],
  ['utm_term', ['utm_term', 'utmTerm']],
  ['utm_content', ['utm_content', 'utmContent']],
  ['ad_set', ['ad_set', 'adset', 'adset_name', 'ad_set_name', 'ad_group', 'adgroup']],
  ['ad', ['ad_name', 'ad_id']],
  ['form', ['form', 'form_name', 'form_id']],
  ['click_id', ['gclid', 'fbclid', 'msclkid', 'li_fat_id']],
  ['referrer', ['referrer', 'referer']],
];

/** Fields holding the URL of the page the form was on, in order of preference. */
const PAGE_FIELDS: readonly string[] = ['page_url', 'landing_page', 'form_url', 'page', 'url', 'source_url'];

/**
 * Lead field -> [context key, rank among that key's fields], the key null for the fields holding
 * the page URL: one Map read per lead field.
 */
const FIELD_TO_CONTEXT: ReadonlyMap<string, readonly [string | null, number]> = new Map<string, readonly [string | null, number]>([
  ...CONTEXT_SOURCES.flatMap(([key, fields]) => fields.map((field, rank) => [field, [key, rank]] as const)),
  ...PAGE_FIELDS.map((field, rank) => [field, [null, rank]] as const),
]);

/** A nested `utm` object: `{ "utm": { "source": "google" } }`. */
const UTM_OBJECT_KEYS: readonly string[] = ['source', 'medium', 'campaign', 'term', 'content'];
const QUERY_CONTEXT: readonly (readonly [string, string])[] = [
  ['utm_source', 'utm_source'],
  ['utm_medium', 'utm_medium'],
  ['utm_campaign', 'utm_campaign'],
  ['utm_term', 'utm_term'],
  ['utm_content', 'utm_content'],
  ['gclid', 'click_id'],
  ['fbclid', 'click_id'],
  ['msclkid', 'click_id'],
];
const MAX_URL_CHARS = 2048;
const PLACEHOLDER_ORIGIN = 'https://form.invalid';

function short(v: unknown): string | null {
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v !== 'string' || v.length > MAX_SHORT_CHARS) return null;
  const t = tidyLine(v);
  return t === '' ? null : t;
}

/** A page URL, parsed (a path alone is read against a placeholder origin), or null. */
function parsePage(v: unknown): URL | null {
  if (typeof v !== 'string' || v.length > MAX_URL_CHARS || v.trim() === '') return null;
  try {
    return new URL(v.trim(), PLACEHOLDER_ORIGIN);
  } catch {
    return null;
  }
}

/**
 * The campaign context of a lead, or null when it has none. Keys: utm_source, utm_medium,
 * utm_campaign, utm_term, utm_content, ad_set, ad, form, click_id, referrer, and `page` (the
 * form page: `acme.com/pricing`, or `/pricing` when only a path is given). The lead's own fields
 * win over a `utm` object, which wins over the page's query string. Reads the lead's top-level
 * keys once.
 */
export function campaignContext(lead: Record<string, unknown>): Record<string, string> | null {
  const context: Record<string, string> = {};
  const ranks = new Map<string, number>();
  let page: { rank: number; value: unknown } | null = null;
  let found = false;
  for (const field of Object.keys(lead)) {
    const target = FIELD_TO_CONTEXT.get(field);
    if (target === undefined) continue;
    const [key, rank] = target;
    if (key === null) {
      if (page === null || rank < page.rank) page = { rank, value: lead[field] };
      continue;
    }
    const known = ranks.get(key);
    const value = known !== undefined && known < rank ? null : short(lead[field]);
    if (value !== null) {
      context[key] = value;
      ranks.set(key, rank);
      found = true;
    }
  }
  const utm = isOwn(lead, 'utm') ? lead.utm : undefined;
  if (isRecord(utm)) {
    for (const part of UTM_OBJECT_KEYS) {
      const value = isOwn(utm, part) ? short(utm[part]) : null;
      if (value !== null && !ranks.has(`utm_${part}`)) {
        context[`utm_${part}`] = value;
        ranks.set(`utm_${part}`, 0);
        found = true;
      }
    }
  }
  const url = page === null ? null : parsePage(page.value);
  if (url !== null) {
    for (const [param, key] of QUERY_CONTEXT) {
      const v = url.searchParams.get(param);
      const value = v === null ? null : short(v);
      if (value !== null && !ranks.has(key)) {
        context[key] = value;
        ranks.set(key, 0);
        found = true;
      }
    }
    const relative = url.origin === PLACEHOLDER_ORIGIN;
    if (url.pathname !== '/' || !relative) {
      context.page = relative ? url.pathname : `${url.host}${url.pathname}`;
      found = true;
    }
  }
  return found ? context : null;
}

/** Whether a value already is the context computed (so re-normalizing a clean lead changes nothing). */
export function sameContext(a: unknown, b: Record<string, string>): boolean {
  if (!isRecord(a)) return false;
  const keys = Object.keys(b);
  return Object.keys(a).length === keys.length && keys.every((k) => a[k] === b[k]);
}

// Lead-to-account matching. Accounts come from a CRM (a node's second input, a JSON file); a lead
// matches by its email domain exactly, then by registrable domain (`eu.acme.co.uk` matches an
// account at `acme.co.uk`), then by normalized company name (`ACME, Inc.` is `Acme`). Free-mail
// domains never match: a gmail address says nothing about the company. Every lookup is a Map
// read, so matching stays flat however many accounts there are. Several accounts behind one key
// is reported, never guessed.

import { readPath } from '../core/values';
import { hostOf, isFreeMailDomain, registrableDomain } from '../fields/domain';
import { foldAccents, isOwn, isRecord, MAX_SHORT_CHARS } from '../fields/text';

export interface Account {
  id: string;
  name: string | null;
  /** Lower case, without `www.`. */
  domains: string[];
  status: string | null;
  owner: string | null;
}

export type MatchMethod = 'email_domain' | 'registrable_domain' | 'company_name';

export type AccountMatch =
  | { kind: 'match'; account: Account; method: MatchMethod }
  /** More than one account has the key that matched first: nothing is filled. */
  | { kind: 'ambiguous'; accounts: Account[]; method: MatchMethod };

/**
 * Where each account property is read in a CRM record: candidate paths, the first non-blank
 * wins. The defaults cover plain JSON, HubSpot (`properties.*`) and Salesforce (`Id`, `Website`,
 * `OwnerId`) exports.
 */
export interface AccountFieldPaths {
  id: readonly string[];
  name: readonly string[];
  domain: readonly string[];
  status: readonly string[];
  owner: readonly string[];
}

export const DEFAULT_ACCOUNT_FIELDS: AccountFieldPaths = {
  id: ['id', 'Id', 'ID', 'account_id', 'accountId', 'properties.hs_object_id'],
  name: ['name', 'Name', 'company', 'company_name', 'properties.name'],
  domain: ['domains', 'domain', 'Domain', 'website', 'Website', 'properties.domain', 'properties.website'],
  status: ['status', 'Status', 'account_status', 'type', 'Type', 'properties.lifecyclestage'],
  owner: ['owner', 'owner_email', 'Owner', 'OwnerId', 'owner_id', 'properties.hubspot_owner_id'],
};

/** Where CRM API responses put their records: HubSpot under `results`, Salesforce under `records`. */
export const ACCOUNT_LIST_KEYS: readonly string[] = ['results', 'records', 'accounts', 'data'];

/** The account records of a JSON document: an array, or the array under one of ACCOUNT_LIST_KEYS; null when there is none. */
export function accountList(json: unknown): unknown[] | null {
  if (Array.isArray(json)) return json;
  if (isRecord(json)) {
    for (const key of ACCOUNT_LIST_KEYS) {
      const list = isOwn(json, key) ? json[key] : undefined;
      if (Array.isArray(list)) return list;
    }
  }
  return null;
}

function first(record: unknown, paths: readonly string[]): unknown {
  for (const path of paths) {
    const v = readPath(record, path.split('.'));
    if (v !== undefined && v !== null && v !== '') return v;
  }
  return undefined;
}

function text(v: unknown): string | null {
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (typeof v !== 'string') return null;
  const t = v.trim();
  return t === '' || t.length > MAX_SHORT_CHARS ? null : t;
}

/** Domains of an account: a list, or text with several separated by commas, semicolons or spaces. */
function domainsOf(v: unknown): string[] {
  const items = Array.isArray(v) ? v : typeof v === 'string' ? v.split(/[\s,;]+/) : [];
  const out: string[] = [];
  for (const item of items.slice(0, 100)) {
    const host = hostOf(item);
    if (host !== null && !out.includes(host)) out.push(host);
  }
  return out;
}

/**
 * Accounts from CRM records. Records without an id cannot be filled into a lead and are counted
 * in `skipped`.
 */
export function readAccounts(records: readonly unknown[], paths: Partial<AccountFieldPaths> = {}): { accounts: Account[]; skipped: number } {
  const p: AccountFieldPaths = { ...DEFAULT_ACCOUNT_FIELDS, ...paths };
  const accounts: Account[] = [];
  let skipped = 0;
  for (const record of records) {
    const id = isRecord(record) ? text(first(record, p.id)) : null;
    if (id === null) {
      skipped++;
      continue;
    }
    accounts.push({ id, name: text(first(record, p.name)), domains: domainsOf(first(record, p.domain)), status: text(first(record, p.status)), owner: text(first(record, p.owner)) });
  }
  return { accounts, skipped };
}

/** Legal forms dropped from the end of a company name (after dots are removed: `S.p.A.` is `spa`). */
const LEGAL_FORMS: ReadonlySet<string> = new Set(
  (
    'inc incorporated llc llp lp ltd limited corp corporation co company plc gmbh mbh kg kgaa ag se sa sas sarl srl spa sl ' +
    'bv nv ab oy oyj as asa aps pty pvt private kk gk ltda pte dac cv sc sca eurl ug ohg'
  ).split(' '),
);
/** Words that only join legal forms (`GmbH & Co. KG`, `S.A. de C.V.`): dropped when a legal form followed them. */
const JOINING_WORDS: ReadonlySet<string> = new Set(['and', 'und', 'et', 'y', 'de']);

/**
 * A company name as accounts are matched by: lower case without accents and punctuation, `&` as
 * `and`, a leading `the` and trailing legal forms dropped (`The ACME Group, Inc.` -> `acme group`;
 * `Silverline Logistics Co., Ltd.` -> `silverline logistics`). A name that is nothing but a legal
 * form keeps it. Empty for a name without letters or digits.
 */
export function companyKey(name: string): string {
  if (name.length > MAX_SHORT_CHARS) return '';
  const words = foldAccents(name).replace(/&/g, ' and ').replace(/[.'’]/g, '').split(/[^a-z0-9]+/).filter((w) => w !== '');
  if (words.length > 1 && words[0] === 'the') words.shift();
  let dropped = false;
  while (words.length > 1) {
    const last = words[words.length - 1];
    if (LEGAL_FORMS.has(last) || (dropped && JOINING_WORDS.has(last))) {
      words.pop();
      dropped = true;
    } else {
      break;
    }
  }
  return words.join(' ');
}

/** Accounts indexed by every key a lead can match them by. */
export class AccountIndex {
  private readonly byDomain = new Map<string, Account[]>();
  private readonly byRegistrable = new Map<string, Account[]>();
  private readonly byName = new Map<string, Account[]>();

  constructor(readonly accounts: readonly Account[]) {
    for (const account of accounts) {
      for (const domain of account.domains) {
        // An account registered at a free-mail domain (a sole trader's gmail) is matched by name only.
        if (isFreeMailDomain(domain)) continue;
        add(this.byDomain, domain, account);
        add(this.byRegistrable, registrableDomain(domain), account);
      }
      const key = account.name === null ? '' : companyKey(account.name);
      if (key !== '') add(this.byName, key, account);
    }
  }

  get size(): number {
    return this.accounts.length;
  }

  /** The account of a lead with this (lower-case) email domain and company name, or null. */
  match(emailDomain: string | null, company: string | null): AccountMatch | null {
    if (emailDomain !== null && !isFreeMailDomain(emailDomain)) {
      const exact = this.byDomain.get(emailDomain);
      if (exact !== undefined) return outcome(exact, 'email_domain');
      const registrable = this.byRegistrable.get(registrableDomain(emailDomain));
      if (registrable !== undefined) return outcome(registrable, 'registrable_domain');
    }
    if (company !== null) {
      const key = companyKey(company);
      const named = key === '' ? undefined : this.byName.get(key);
      if (named !== undefined) return outcome(named, 'company_name');
    }
    return null;
  }
}

function add(map: Map<string, Account[]>, key: string, account: Account): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [account]);
  else if (!list.some((a) => a.id === account.id)) list.push(account);
}

function outcome(accounts: Account[], method: MatchMethod): AccountMatch {
  return accounts.length === 1 ? { kind: 'match', account: accounts[0], method } : { kind: 'ambiguous', accounts, method };
}

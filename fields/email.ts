// Email addresses: trimmed, unwrapped (`mailto:`, `Name <addr>`), the domain lower-cased, checked
// by a character scan (no regex over user text), with the domain and whether it is free mail.
// The local part keeps its case: it is the mailbox owner's to interpret.

import { domainToASCII } from 'node:url';
import { isFreeMailDomain } from './domain';
import { cleaned, failed, MAX_SHORT_CHARS, quote, stripInvisible, type Cleaned } from './text';

export interface CleanEmail {
  email: string;
  /** Lower case, as in `email`. */
  domain: string;
  freeMail: boolean;
}

/** The longest address SMTP carries. */
export const MAX_EMAIL_CHARS = 254;
const MAX_LOCAL_CHARS = 64;
const MAX_LABEL_CHARS = 63;

/** Characters of an unquoted local part besides letters and digits (RFC 5322 atext), and the dot. */
const LOCAL_SPECIALS = new Set("!#$%&'*+/=?^_`{|}~-.");
const SPLIT_ADDRESSES = /[\s,;]+/;
const LETTERS = /^[a-z]+$/i;
/** White space and control or format characters: never part of an address, even an internationalized one. */
const NON_PRINTING = /[\s\p{C}]/u;

/**
 * An email address, cleaned. Problems: `invalid_email` (the message says what is wrong),
 * `multiple_values` (`a@x.com; b@y.com`), `too_long`, `not_text`.
 */
export function normalizeEmail(value: unknown): Cleaned<CleanEmail> {
  if (typeof value !== 'string') return failed('not_text', `an email address must be text, not ${typeof value}`);
  if (value.length > MAX_SHORT_CHARS) return failed('too_long', `an email address of ${value.length} characters`);
  let text = stripInvisible(value).trim();
  // Only `m` and `M` lower-case to `m`: other text is not cut and folded to be compared.
  if ((text.charCodeAt(0) | 0x20) === 0x6d && text.slice(0, 7).toLowerCase() === 'mailto:') text = text.slice(7).trim();
  // `Jane Doe <jane@acme.com>`, as mail clients and some CRMs export it.
  if (text.endsWith('>') && text.includes('<')) text = text.slice(text.lastIndexOf('<') + 1, -1).trim();

  const at = text.lastIndexOf('@');
  if (at !== -1 && text.indexOf('@') !== at) {
    const parts = text.split(SPLIT_ADDRESSES).filter((p) => p.includes('@'));
    if (parts.length > 1) return failed('multiple_values', `${quote(text)} holds ${parts.length} addresses where one is expected`);
  }
  const written = text.slice(at + 1);
  const domain = written.toLowerCase();
  // Most domains arrive in lower case: the text is then the address already.
  const address = at === -1 || domain === written ? text : `${text.slice(0, at)}@${domain}`;
  const problem = addressProblem(address);
  if (problem !== null) return failed('invalid_email', `${quote(text)}: ${problem}`);
  lastAddress = address;
  return cleaned({ email: address, domain, freeMail: isFreeMailDomain(domain) });
}

/** The last address normalizeEmail wrote: the schema checks the address just cleaned, which needs no second scan. */
let lastAddress = '';

/** Whether text is exactly an address as normalizeEmail writes it (the schema's `email` format): no trimming or unwrapping. */
export function isEmailAddress(text: string): boolean {
  return text === lastAddress || (text.length <= MAX_EMAIL_CHARS && addressProblem(text) === null);
}

/** What is wrong with an address, or null. */
function addressProblem(address: string): string | null {
  if (address.length > MAX_EMAIL_CHARS) return `longer than ${MAX_EMAIL_CHARS} characters`;
  const at = address.lastIndexOf('@');
  if (at === -1) return 'it has no @';
  if (address.indexOf('@') !== at) return 'it has more than one @';
  return checkLocal(address.slice(0, at)) ?? checkDomain(address.slice(at + 1));
}

function checkLocal(local: string): string | null {
  if (local.length === 0) return 'nothing before the @';
  if (local.length > MAX_LOCAL_CHARS) return `more than ${MAX_LOCAL_CHARS} characters before the @`;
  if (local.startsWith('.') || local.endsWith('.') || local.includes('..')) return 'a misplaced dot before the @';
  for (let i = 0; i < local.length; i++) {
    const c = local.charCodeAt(i);
    if (isAsciiAlnum(c)) continue;
    // Non-ASCII letters are allowed (internationalized addresses, RFC 6531).
    const ch = local[i];
    const allowed = c < 0x80 ? LOCAL_SPECIALS.has(ch) : !NON_PRINTING.test(ch);
    if (!allowed) return `${JSON.stringify(ch)} is not allowed before the @`;
  }
  return null;
}

function checkDomain(domain: string): string | null {
  if (domain === '') return 'nothing after the @';
  let ascii = true;
  let labelStart = 0;
  let lastDot = -1;
  for (let i = 0; i <= domain.length; i++) {
    const c = i === domain.length ? 46 /* . */ : domain.charCodeAt(i);
    if (c === 46) {
      const length = i - labelStart;
      if (length === 0) return lastDot === -1 && i === domain.length ? 'the domain has no dot' : 'an empty part in the domain';
      if (length > MAX_LABEL_CHARS) return `a domain part longer than ${MAX_LABEL_CHARS} characters`;
      if (domain.charCodeAt(labelStart) === 45 || domain.charCodeAt(i - 1) === 45) return 'a domain part starts or ends with -';
      if (i < domain.length) lastDot = i;
      labelStart = i + 1;
    } else if (c >= 0x80) {
      ascii = false;
      if (NON_PRINTING.test(domain[i])) return `${JSON.stringify(domain[i])} is not allowed in a domain`;
    } else if (!isAsciiAlnum(c) && c !== 45) {
      return `${JSON.stringify(domain[i])} is not allowed in a domain`;
    }
  }
  if (lastDot === -1) return 'the domain has no dot';
  // An internationalized domain must have a valid ASCII (punycode) form.
  if (!ascii && domainToASCII(domain) === '') return 'not a valid internationalized domain';
  const tld = domain.slice(lastDot + 1);
  if (ascii && !(tld.startsWith('xn--') || (tld.length >= 2 && LETTERS.test(tld)))) return `${JSON.stringify(tld)} is not a top-level domain`;
  return null;
}

function isAsciiAlnum(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

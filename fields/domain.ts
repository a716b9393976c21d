// Domains: the registrable domain (the part a company registers: `acme.co.uk` of
// `eu.acme.co.uk`), a domain read from a website field, and the free-mail providers.
//
// The registrable domain needs the Public Suffix List; no PSL package is installed, so this file
// carries a compact list of the multi-part suffixes under which companies commonly register
// (co.uk, com.au, co.jp, ...). A domain under a multi-part suffix missing from the list is cut one
// label too short (`acme.gov.xx` -> `gov.xx`), which only matters for account matching by
// registrable domain; exact domain matching is unaffected. Extend MULTI_PART_SUFFIXES when needed.

/** Second-level suffixes under which registrations happen, by country code. */
const MULTI_PART_SUFFIX_TEXT: Readonly<Record<string, string>> = {
  uk: 'co ac gov ltd me net nhs org plc sch police',
  au: 'com net org edu gov asn id',
  nz: 'co net org ac govt geek gen kiwi maori school',
  jp: 'co ne or ac go ed gr lg ad',
  kr: 'co ne or re pe go ac',
  cn: 'com net org gov edu ac',
  hk: 'com net org gov edu idv',
  tw: 'com net org gov edu idv',
  sg: 'com net org gov edu per',
  my: 'com net org gov edu',
  id: 'co or ac go web net',
  th: 'co in or ac go net',
  in: 'co net org firm gen ind ac edu gov res',
  pk: 'com net org edu gov',
  il: 'co org net ac gov muni',
  tr: 'com net org gen biz info web av bel edu gov',
  za: 'co org net gov ac web',
  ng: 'com org net gov edu',
  ke: 'co or ne go ac',
  eg: 'com net org gov edu',
  sa: 'com net org gov edu med',
  ae: 'co net org gov ac',
  br: 'com net org gov edu art ind adv eng inf',
  mx: 'com net org gob edu',
  ar: 'com net org gob edu int',
  co: 'com net org gov edu',
  pe: 'com net org gob edu',
  cl: 'co gob',
  ve: 'com net org gob',
  ec: 'com net org gob edu',
  uy: 'com net org gub edu',
  ph: 'com net org gov edu',
  vn: 'com net org gov edu',
  ua: 'com net org gov edu',
  ru: 'com net org msk spb',
  pl: 'com net org waw',
  at: 'co or gv ac',
  be: 'ac',
  fr: 'asso com gouv nom',
  es: 'com org nom gob edu',
  it: 'gov edu',
  gr: 'com net org gov edu',
  pt: 'com org gov edu',
  cy: 'com net org gov ac',
  mt: 'com net org gov edu',
};

const MULTI_PART_SUFFIXES: ReadonlySet<string> = new Set(
  Object.entries(MULTI_PART_SUFFIX_TEXT).flatMap(([tld, seconds]) => seconds.split(' ').map((second) => `${second}.${tld}`)),
);

/**
 * The registrable domain of a (lower-case) host name: its last two labels, or three under a
 * multi-part public suffix. `eu.acme.co.uk` -> `acme.co.uk`; `mail.acme.com` -> `acme.com`.
 */
export function registrableDomain(host: string): string {
  const last = host.lastIndexOf('.');
  if (last <= 0) return host;
  const second = host.lastIndexOf('.', last - 1);
  if (second === -1) return host;
  if (!MULTI_PART_SUFFIXES.has(host.slice(second + 1))) return host.slice(second + 1);
  const third = host.lastIndexOf('.', second - 1);
  return third === -1 ? host : host.slice(third + 1);
}

const MAX_WEBSITE_CHARS = 2048;

/**
 * The host name of a website or domain field, lower-cased and without `www.`:
 * `https://www.Acme.com/about` -> `acme.com`, `acme.co.uk` -> `acme.co.uk`. Null when none.
 */
export function hostOf(value: unknown): string | null {
  if (typeof value !== 'string' || value.length > MAX_WEBSITE_CHARS) return null;
  let text = value.trim().toLowerCase();
  if (text === '') return null;
  const scheme = text.indexOf('://');
  if (scheme !== -1) text = text.slice(scheme + 3);
  const end = text.search(/[/?#:\s]/);
  if (end !== -1) text = text.slice(0, end);
  const at = text.lastIndexOf('@');
  if (at !== -1) text = text.slice(at + 1);
  if (text.startsWith('www.')) text = text.slice(4);
  if (text.endsWith('.')) text = text.slice(0, -1);
  return text.includes('.') ? text : null;
}

/**
 * Consumer mail providers: an address there says nothing about the company. Exact domains, plus
 * providers whose every country domain is free mail (`yahoo.*`, `hotmail.*`, ...; see
 * FREE_MAIL_FAMILIES). Includes the big ISPs' mail (t-online.de, orange.fr, btinternet.com).
 */
const FREE_MAIL_DOMAINS: ReadonlySet<string> = new Set(
  (
    'gmail.com googlemail.com icloud.com me.com mac.com msn.com proton.me protonmail.com protonmail.ch pm.me tutanota.com tuta.io ' +
    'mail.com email.com inbox.com fastmail.com fastmail.fm hey.com zohomail.com gmx.com gmx.net gmx.de gmx.at gmx.ch web.de ' +
    't-online.de freenet.de arcor.de posteo.de mailbox.org mail.ru inbox.ru list.ru bk.ru rambler.ru yandex.ru yandex.com ya.ru ' +
    'qq.com 163.com 126.com yeah.net sina.com sina.cn sohu.com aliyun.com naver.com daum.net hanmail.net rediffmail.com ' +
    'orange.fr wanadoo.fr free.fr laposte.net sfr.fr neuf.fr libero.it virgilio.it tiscali.it alice.it tin.it ' +
    'bluewin.ch seznam.cz centrum.cz wp.pl o2.pl interia.pl onet.pl telia.com ziggo.nl kpnmail.nl planet.nl home.nl ' +
    'telefonica.net terra.es eircom.net btinternet.com sky.com virginmedia.com ntlworld.com talktalk.net bigpond.com ' +
    'bigpond.net.au optusnet.com.au iinet.net.au singnet.com.sg uol.com.br bol.com.br terra.com.br ig.com.br ' +
    'comcast.net verizon.net att.net sbcglobal.net cox.net charter.net earthlink.net juno.com shaw.ca rogers.com sympatico.ca ' +
    'videotron.ca telus.net'
  ).split(' '),
);

/** Providers free under every country domain: the first label of the registrable domain. */
const FREE_MAIL_FAMILIES: ReadonlySet<string> = new Set(['yahoo', 'ymail', 'rocketmail', 'hotmail', 'outlook', 'live', 'aol', 'gmx', 'yandex']);

/** Whether mail at this (lower-case) domain is a consumer address. */
export function isFreeMailDomain(domain: string): boolean {
  if (FREE_MAIL_DOMAINS.has(domain)) return true;
  const registrable = registrableDomain(domain);
  if (registrable !== domain && FREE_MAIL_DOMAINS.has(registrable)) return true;
  const firstLabel = registrable.slice(0, registrable.indexOf('.'));
  return FREE_MAIL_FAMILIES.has(firstLabel);
}

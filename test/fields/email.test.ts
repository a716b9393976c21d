import { isFreeMailDomain, registrableDomain, hostOf } from '../../fields/domain';
import { isEmailAddress, normalizeEmail } from '../../fields/email';

const clean = (v: unknown) => {
  const r = normalizeEmail(v);
  return r.ok ? r.value : `!${r.problem}`;
};

describe('normalizeEmail', () => {
  test('trims, unwraps, lower-cases the domain only, and says whether it is free mail', () => {
    expect(clean(' John.Smith@ACME.co.UK ')).toEqual({ email: 'John.Smith@acme.co.uk', domain: 'acme.co.uk', freeMail: false });
    expect(clean('Jane <jane@GMAIL.com>')).toEqual({ email: 'jane@gmail.com', domain: 'gmail.com', freeMail: true });
    expect(clean('mailto:x@y.io')).toEqual({ email: 'x@y.io', domain: 'y.io', freeMail: false });
  });

  test.each([
    ['a@b', 'the domain has no dot'],
    ['@b.com', 'nothing before the @'],
    ['a@', 'nothing after the @'],
    ['a..b@c.com', 'a misplaced dot before the @'],
    ['a b@c.com', '" " is not allowed before the @'],
    ['a@c..com', 'an empty part in the domain'],
    ['a@-c.com', 'a domain part starts or ends with -'],
    ['a@c.c0m', '"c0m" is not a top-level domain'],
    ['a@@c.com', 'it has more than one @'],
    ['plain text', 'it has no @'],
  ])('%j is invalid: %s', (input, why) => {
    const r = normalizeEmail(input);
    expect(r.ok ? null : [r.problem, r.message]).toEqual(['invalid_email', `${JSON.stringify(input)}: ${why}`]);
  });

  test('several addresses, long text, non-text', () => {
    expect(clean('a@x.com, b@y.com')).toBe('!multiple_values');
    expect(clean(`${'a'.repeat(250)}@x.com`)).toBe('!invalid_email');
    expect(clean('a'.repeat(300))).toBe('!too_long');
    expect(clean(42)).toBe('!not_text');
  });

  test('internationalized addresses', () => {
    expect(clean('jöhn@Müller.de')).toEqual({ email: 'jöhn@müller.de', domain: 'müller.de', freeMail: false });
    expect(clean('a@xn--mller-kva.de')).toEqual({ email: 'a@xn--mller-kva.de', domain: 'xn--mller-kva.de', freeMail: false });
    expect(clean('a\u00a0b@x.de')).toBe('!invalid_email');
  });

  test('the schema format accepts exactly what normalizeEmail writes', () => {
    expect(isEmailAddress('John.Smith@acme.co.uk')).toBe(true);
    expect(isEmailAddress(' john@acme.com')).toBe(false);
    expect(isEmailAddress('mailto:john@acme.com')).toBe(false);
  });
});

describe('domains', () => {
  test('registrable domain with multi-part public suffixes', () => {
    expect(registrableDomain('eu.acme.co.uk')).toBe('acme.co.uk');
    expect(registrableDomain('acme.co.uk')).toBe('acme.co.uk');
    expect(registrableDomain('shop.acme.com.au')).toBe('acme.com.au');
    expect(registrableDomain('a.b.acme.co.jp')).toBe('acme.co.jp');
    expect(registrableDomain('mail.acme.com')).toBe('acme.com');
    expect(registrableDomain('co.uk')).toBe('co.uk');
    expect(registrableDomain('localhost')).toBe('localhost');
  });

  test('hostOf reads websites', () => {
    expect(hostOf('https://www.Acme.com/about?x=1')).toBe('acme.com');
    expect(hostOf('acme.co.uk')).toBe('acme.co.uk');
    expect(hostOf('sales@acme.io')).toBe('acme.io');
    expect(hostOf('not a domain')).toBeNull();
    expect(hostOf(42)).toBeNull();
  });

  test('free mail: listed domains and provider families under any country domain', () => {
    expect(['gmail.com', 'yahoo.co.jp', 'hotmail.fr', 'outlook.de', 'gmx.net', 'btinternet.com', 'mail.yahoo.com'].map(isFreeMailDomain)).toEqual([true, true, true, true, true, true, true]);
    expect(['acme.com', 'gmail.acme.com', 'web.com', 'yahooligans.example'].map(isFreeMailDomain)).toEqual([false, false, false, false]);
  });
});

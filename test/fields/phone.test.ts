import { isE164, normalizePhone, PHONE_REGEX_CACHE } from '../../fields/phone';

const e164 = (v: unknown, hint: string | null, mobile = false) => {
  const r = normalizePhone(v, hint, { mobile });
  return r.ok ? r.value.e164 : `!${r.problem}`;
};

describe('normalizePhone', () => {
  test('national numbers are read in the hint country, international ones anywhere', () => {
    expect(e164('(415) 555-2671', 'US')).toBe('+14155552671');
    expect(e164('030 901820', 'DE')).toBe('+4930901820');
    expect(e164('0049 30 901820', 'DE')).toBe('+4930901820');
    expect(e164('+44 20 7946 0958', null)).toBe('+442079460958');
    expect(e164('+44 20 7946 0958', 'US')).toBe('+442079460958');
    expect(e164('020 7946 0958', null)).toBe('!invalid_phone');
  });

  test('bare digits: an international number without its + when that is valid for the hint', () => {
    expect(e164(4915123456789, 'DE')).toBe('+4915123456789');
    expect(e164('4915123456789', 'DE')).toBe('+4915123456789');
    expect(e164(4155552671, 'US')).toBe('+14155552671');
    expect(e164('447400123456', null)).toBe('+447400123456');
  });

  test('extensions are kept RFC 3966 style', () => {
    expect(e164('201-555-0123 x45', 'US')).toBe('+12015550123;ext=45');
    expect(isE164('+12015550123;ext=45')).toBe(true);
    expect(isE164('+1 201 555 0123')).toBe(false);
  });

  test('invalid, too long, not text; the message says where it was read', () => {
    expect(e164('12345', 'US')).toBe('!invalid_phone');
    expect(e164('+1 000 000 0000', 'US')).toBe('!invalid_phone');
    expect(e164('x'.repeat(65), 'US')).toBe('!too_long');
    expect(e164(true, 'US')).toBe('!not_text');
    expect(e164(-5, 'US')).toBe('!invalid_phone');
    const r = normalizePhone('12345', 'US');
    expect(!r.ok && r.message).toBe('"12345" is not a valid phone number in US');
  });

  test('mobile only when asked', () => {
    expect(e164('030 901820', 'DE', true)).toBe('!not_mobile');
    expect(e164('030 901820', 'DE', false)).toBe('+4930901820');
    expect(e164('0151 23456789', 'DE', true)).toBe('+4915123456789');
    const r = normalizePhone('0151 23456789', 'DE', { mobile: true });
    expect(r.ok && r.value).toEqual({ e164: '+4915123456789', country: 'DE', mobile: true });
  });

  test('an unknown hint is ignored rather than trusted', () => {
    expect(e164('+49 30 901820', 'ZZ')).toBe('+4930901820');
  });
});

describe('the libphonenumber-js pattern cache', () => {
  const samples: [string, string][] = [
    ['(415) 555-2671', 'US'],
    ['+1 735 944 5583', 'US'],
    ['030 901820', 'DE'],
    ['+44 975 354 4850', 'GB'],
    ['0412 345 678', 'AU'],
    ['+81 205 216 1758', 'JP'],
    ['12', 'FR'],
    ['+52 257 777 0143', 'MX'],
  ];

  test('is installed in this version of the library', () => {
    expect(PHONE_REGEX_CACHE).toBe(true);
  });

  test('gives the same answers as the library without it', () => {
    type Library = typeof import('libphonenumber-js/max');
    let plain: Library | undefined;
    jest.isolateModules(() => {
      // A fresh copy of the library: its helper is the original one.
      plain = jest.requireActual<Library>('libphonenumber-js/max');
    });
    for (const [text, country] of samples) {
      const original = plain?.parsePhoneNumberFromString(text, country as Parameters<Library['parsePhoneNumberFromString']>[1] & string);
      const ours = normalizePhone(text, country, { mobile: false });
      expect([text, ours.ok ? ours.value.e164 : null]).toEqual([text, original?.isValid() === true ? original.number : null]);
    }
  });
});

import { AccountIndex, accountList, companyKey, readAccounts } from '../../normalize/accounts';
import { cpuSeconds } from '../hostile/cpu';

describe('companyKey', () => {
  test.each([
    ['ACME, Inc.', 'acme'],
    ['The Acme Group', 'acme group'],
    ['Silverline Logistics Co., Ltd.', 'silverline logistics'],
    ['Quarry Foods S.A. de C.V.', 'quarry foods'],
    ['Nordwerk GmbH & Co. KG', 'nordwerk'],
    ['Keystone Analytics S.p.A.', 'keystone analytics'],
    ['Vantage Travel K.K.', 'vantage travel'],
    ['Société Générale Équipement', 'societe generale equipement'],
    ['Johnson & Johnson', 'johnson and johnson'],
    ['Ltd', 'ltd'],
    ['  ', ''],
  ])('%j -> %j', (name, key) => expect(companyKey(name)).toBe(key));
});

describe('readAccounts', () => {
  test('plain, HubSpot and Salesforce shapes; records without an id are skipped', () => {
    const { accounts, skipped } = readAccounts([
      { id: 1, name: 'Acme', domains: 'acme.com, acme.io', status: 'customer', owner: 'sam' },
      { properties: { hs_object_id: 'h1', name: 'Globex', domain: 'globex.com', lifecyclestage: 'customer', hubspot_owner_id: 'o1' } },
      { Id: 'sf1', Name: 'Initech', Website: 'https://www.initech.com/', Type: 'Prospect', OwnerId: 'u1' },
      { name: 'No id' },
      'not a record',
    ]);
    expect(skipped).toBe(2);
    expect(accounts).toEqual([
      { id: '1', name: 'Acme', domains: ['acme.com', 'acme.io'], status: 'customer', owner: 'sam' },
      { id: 'h1', name: 'Globex', domains: ['globex.com'], status: 'customer', owner: 'o1' },
      { id: 'sf1', name: 'Initech', domains: ['initech.com'], status: 'Prospect', owner: 'u1' },
    ]);
  });

  test('accountList finds the records in CRM API responses', () => {
    expect(accountList([1])).toEqual([1]);
    expect(accountList({ results: [2] })).toEqual([2]);
    expect(accountList({ records: [3] })).toEqual([3]);
    expect(accountList({ other: [4] })).toBeNull();
    expect(accountList(JSON.parse('{"__proto__": {"results": [5]}}'))).toBeNull();
  });
});

describe('AccountIndex', () => {
  const index = new AccountIndex(
    readAccounts([
      { id: 'a', name: 'Acme Corp', domain: 'acme.co.uk' },
      { id: 'b', name: 'Globex', domain: 'eu.globex.com' },
      { id: 'c', name: 'Twin', domain: 'twin.example' },
      { id: 'd', name: 'Twin', domain: 'twin.example' },
      { id: 'e', name: 'Gmail Solo', domain: 'gmail.com' },
    ]).accounts,
  );

  const match = (domain: string | null, company: string | null) => {
    const m = index.match(domain, company);
    return m === null ? null : m.kind === 'match' ? [m.account.id, m.method] : ['ambiguous', m.method, m.accounts.map((a) => a.id)];
  };

  test('email domain exactly, then registrable domain (both ways), then company name', () => {
    expect(match('acme.co.uk', null)).toEqual(['a', 'email_domain']);
    expect(match('eu.acme.co.uk', null)).toEqual(['a', 'registrable_domain']);
    expect(match('globex.com', null)).toEqual(['b', 'registrable_domain']);
    expect(match('other.example', 'ACME corporation')).toEqual(['a', 'company_name']);
    expect(match(null, 'Unknown')).toBeNull();
  });

  test('free-mail domains never match (on either side); the name still can', () => {
    expect(match('gmail.com', null)).toBeNull();
    expect(match('gmail.com', 'Gmail Solo')).toEqual(['e', 'company_name']);
  });

  test('several accounts behind the key that matched are reported, not guessed', () => {
    expect(match('twin.example', null)).toEqual(['ambiguous', 'email_domain', ['c', 'd']]);
  });

  test('stays a Map read per key however many accounts there are', () => {
    const many = new AccountIndex(Array.from({ length: 50_000 }, (_, i) => ({ id: `x${i}`, name: `Company ${i}`, domains: [`c${i}.example`], status: null, owner: null })));
    // A linear scan per match would be 2.5 billion comparisons; map reads take milliseconds of CPU.
    expect(cpuSeconds(() => {
      for (let i = 0; i < 50_000; i++) many.match(`c${i}.example`, null);
    }).seconds).toBeLessThan(5);
    expect(many.match('c49999.example', null)).toMatchObject({ kind: 'match', method: 'email_domain' });
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parsePolicy } from '../../dsl/parse';
import { checkPolicy } from '../../dsl/checker';
import { fieldsFromPolicy } from '../../normalize/fields';
import { compileSchema, schemaFromFields, schemaProblems, SchemaError } from '../../normalize/schema';
import { PolicyError } from '../../dsl/diagnostics';
import { cpuSeconds } from '../hostile/cpu';

const ACME = readFileSync(join(__dirname, '../../examples/acme-inbound.route'), 'utf8');

describe('the schema of a policy', () => {
  test('follows the fields block: types, formats, enums, nested paths; nothing required', () => {
    expect(schemaFromFields(fieldsFromPolicy(ACME))).toEqual({
      type: 'object',
      properties: {
        email: { type: 'string', format: 'email' },
        country: { type: 'string', format: 'country' },
        employees: { type: 'number' },
        type: { enum: ['demo', 'contact', 'content_download', 'support'] },
        source: { type: 'string' },
        product: { type: 'string' },
        account: {
          type: 'object',
          properties: {
            status: { enum: ['none', 'customer', 'open_opportunity', 'churned'] },
            owner: { type: 'string' },
          },
        },
      },
    });
  });

  test('the same fields from text, the checked policy or the syntax tree', () => {
    const ast = parsePolicy(ACME).ast;
    const checked = checkPolicy(ast).checked;
    expect(checked).not.toBeNull();
    expect(fieldsFromPolicy(ast)).toEqual(fieldsFromPolicy(ACME));
    expect(fieldsFromPolicy(checked as NonNullable<typeof checked>)).toEqual(fieldsFromPolicy(ACME));
    expect(fieldsFromPolicy('else queue inbox')).toEqual([]);
  });

  test('a policy with errors throws every diagnostic', () => {
    expect(() => fieldsFromPolicy('fields {\n  a: nope\n}\nelse queue x')).toThrow(PolicyError);
  });

  test('a field named __proto__ is a property of the schema, not its prototype (Ajv itself skips such properties)', () => {
    const schema = schemaFromFields(fieldsFromPolicy('fields {\n  __proto__: number\n  n: number\n}\nelse queue x'));
    const properties = schema.properties as Record<string, unknown>;
    expect(Object.prototype.hasOwnProperty.call(properties, '__proto__')).toBe(true);
    expect(Object.getPrototypeOf(properties)).toBe(Object.prototype);
    const validate = compileSchema(schema);
    expect(schemaProblems(validate, JSON.parse('{"__proto__": "x", "n": "y"}')).map((p) => p.field)).toEqual(['n']);
    expect(({} as Record<string, unknown>).n).toBeUndefined();
  });
});

describe('validation', () => {
  const validate = compileSchema(schemaFromFields(fieldsFromPolicy(ACME)));

  test('compiled once per distinct schema', () => {
    expect(compileSchema(schemaFromFields(fieldsFromPolicy(ACME)))).toBe(validate);
  });

  test('every failing field with its value and the rule it broke', () => {
    const problems = schemaProblems(validate, { email: 'nope', country: 'Germany', employees: '12', type: 'webinar', account: { status: 'lead' } });
    expect(problems).toEqual([
      { field: 'email', value: 'nope', problem: 'schema.format', message: 'email: "nope" is not a valid email address', rule: '#/properties/email/format' },
      { field: 'country', value: 'Germany', problem: 'schema.format', message: 'country: "Germany" is not an ISO 3166-1 alpha-2 country code (US, DE)', rule: '#/properties/country/format' },
      { field: 'employees', value: '12', problem: 'schema.type', message: 'employees: "12" is not of type number', rule: '#/properties/employees/type' },
      { field: 'type', value: 'webinar', problem: 'schema.enum', message: 'type: "webinar" is not one of demo, contact, content_download, support', rule: '#/properties/type/enum' },
      { field: 'account.status', value: 'lead', problem: 'schema.enum', message: 'account.status: "lead" is not one of none, customer, open_opportunity, churned', rule: '#/properties/account/properties/status/enum' },
    ]);
  });

  test("user schemas: required, patterns on re2js (linear time), the user's own formats ignored", () => {
    const user = compileSchema({ type: 'object', required: ['email'], properties: { zip: { type: 'string', pattern: '^(a+)+$' }, site: { type: 'string', format: 'uri' } } });
    const evil = `${'a'.repeat(5000)}!`;
    // A backtracking engine would take years of CPU on this pattern; re2js takes milliseconds.
    const { seconds, result } = cpuSeconds(() => schemaProblems(user, { zip: evil, site: 'x' }));
    expect(result.map((p) => [p.field, p.problem])).toEqual([
      ['email', 'schema.required'],
      ['zip', 'schema.pattern'],
    ]);
    expect(seconds).toBeLessThan(2);
  });

  test('a schema Ajv refuses is a SchemaError when the normalizer is set up', () => {
    expect(() => compileSchema({ type: 'object', properties: { a: { type: 'strng' } } })).toThrow(SchemaError);
  });
});

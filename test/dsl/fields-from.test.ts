// `PATH: TYPE from "Column", ...` (LANGUAGE.md v1.1): parsed, checked and lowered.
import { compilePolicy } from '../../compiler/compile';
import { parsePolicy } from '../../dsl/parse';
import { check, codes, expectDiagnostic, HEADER } from './check-helpers';

const FROM = `${HEADER}fields {
  email: email from "Email", "Email 1"
  employees: number from "NumberOfEmployees", "No. of Employees"
  country: country from "Country/Region"
  type: enum(demo, support) from Lead_Type
  source: text
}
when type = demo and employees >= 1000 and country = US and email is not blank route queue big
else queue rest
`;

describe('from in a fields block', () => {
  test('parses each field with its names, in order, strings and bare words alike', () => {
    const { ast, diagnostics } = parsePolicy(FROM);
    expect(diagnostics).toEqual([]);
    const fields = ast.statements.find((s) => s.kind === 'fields');
    expect(fields?.kind === 'fields' && fields.fields.map((f) => [f.path.text, f.from.map((n) => n.text)])).toEqual([
      ['email', ['Email', 'Email 1']],
      ['employees', ['NumberOfEmployees', 'No. of Employees']],
      ['country', ['Country/Region']],
      ['type', ['Lead_Type']],
      ['source', []],
    ]);
  });

  test('checks clean and lowers to the IR, every field with its type and names', () => {
    expect(codes(FROM)).toEqual([]);
    const { ir } = compilePolicy(FROM);
    expect(ir.fields).toEqual([
      { name: 'email', segments: ['email'], type: 'email', values: [], from: ['Email', 'Email 1'] },
      { name: 'employees', segments: ['employees'], type: 'number', values: [], from: ['NumberOfEmployees', 'No. of Employees'] },
      { name: 'country', segments: ['country'], type: 'country', values: [], from: ['Country/Region'] },
      { name: 'type', segments: ['type'], type: 'enum', values: ['demo', 'support'], from: ['Lead_Type'] },
      { name: 'source', segments: ['source'], type: 'text', values: [], from: [] },
    ]);
    expect(compilePolicy(`${HEADER}else queue q`).ir.fields).toBeNull();
  });

  test('a column read for two fields is a warning on its second use', () => {
    const source = `${HEADER}fields {\n  email: email from "Email"\n  work_email: email from "Email"\n}\nelse queue q`;
    const d = expectDiagnostic(source, 'shared-from', '"Email"', 1);
    expect(d.severity).toBe('warning');
    expect(d.message).toBe('column `Email` is also read for field `email` (line 4)');
  });

  test('a field inside another declared field is an error naming both', () => {
    const source = `${HEADER}fields {\n  account: text\n  account.status: text\n}\nelse queue q`;
    const d = expectDiagnostic(source, 'field-inside-field', 'account.status');
    expect(d.message).toBe('field `account.status` is inside field `account` (line 4), which holds one value');
  });

  test('`from` without a name, or after a comma with none, is a syntax error just after it', () => {
    const errors = (bad: string) => parsePolicy(`${HEADER}fields {\n  ${bad}\n}\nelse queue q`).diagnostics.map((d) => [d.severity, d.span.line, d.span.column, d.message]);
    expect(errors('email: email from')).toEqual([['error', 4, 20, 'expected a column name after `from`, found `}`']]);
    expect(errors('email: email from "Email",')).toEqual([['error', 4, 29, 'expected a name or a quoted string after `,`, found `}`']]);
  });

  test('`from` stays usable as a field name', () => {
    expect(check(`${HEADER}fields {\n  from: email from "From"\n}\nwhen from is not blank route queue q\nelse queue r`).diagnostics).toEqual([]);
  });
});

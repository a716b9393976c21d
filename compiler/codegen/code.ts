// A typed builder for generated JavaScript, after Ajv's lib/compile/codegen. The safety rule is
// structural: identifiers are `Name`s, which only a `Scope` makes (from a fixed prefix plus a
// counter); `Code` comes only from the `_` template tag, whose static parts are written in this
// project's source; and every other value interpolated into code becomes a quoted literal
// (strings, finite numbers, booleans, null) or an entry of the constants array (`Scope.constant`).
// So no policy text and no lead value can ever become code.

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
/** Prefixes and fixed names: letters only, so fixed names (no digits) never collide with generated ones (digits last). */
const WORD = /^[A-Za-z]+$/;
const RESERVED = new Set([
  'arguments', 'await', 'break', 'case', 'catch', 'class', 'const', 'continue', 'debugger', 'default', 'delete', 'do',
  'else', 'enum', 'eval', 'export', 'extends', 'false', 'finally', 'for', 'function', 'if', 'implements', 'import', 'in',
  'instanceof', 'interface', 'let', 'new', 'null', 'package', 'private', 'protected', 'public', 'return', 'static',
  'super', 'switch', 'this', 'throw', 'true', 'try', 'typeof', 'undefined', 'var', 'void', 'while', 'with', 'yield',
  'Infinity', 'NaN',
]);

// Module-private tokens: outside this file nobody can construct a Name or a Code directly.
const NAME_TOKEN: unique symbol = Symbol('Name');
const CODE_TOKEN: unique symbol = Symbol('Code');

/** An identifier in generated code. Made only by `Scope.name` / `Scope.fixedName`. */
export class Name {
  readonly str: string;
  constructor(str: string, token: typeof NAME_TOKEN) {
    if (token !== NAME_TOKEN || !IDENTIFIER.test(str) || RESERVED.has(str)) throw new Error(`CodeGen: invalid name ${JSON.stringify(str)}`);
    this.str = str;
  }
  toString(): string {
    return this.str;
  }
}

/** A fragment of generated code (an expression or a statement without its `;`). Made only by `_`. */
export class Code {
  readonly text: string;
  /** Whether the whole fragment is one parenthesized group (made by `group`), so `if (...)` need not add another. */
  readonly grouped: boolean;
  constructor(text: string, token: typeof CODE_TOKEN, grouped = false) {
    if (token !== CODE_TOKEN) throw new Error('CodeGen: Code is made only by the _ template tag');
    this.text = text;
    this.grouped = grouped;
  }
  toString(): string {
    return this.text;
  }
}

/** What may be interpolated: code and names as they are, anything else as a literal. */
export type CodeArg = Code | Name | string | number | boolean | null;

/** What must not stay raw in a literal (JSON leaves U+2028/U+2029 and `<` as they are). */
const UNSAFE_IN_SCRIPT = /[\u2028\u2029<]/;
const UNSAFE_IN_SCRIPT_ALL = /[\u2028\u2029<]/g;

/**
 * A string as a JavaScript string literal that stays text wherever the source goes: JSON
 * escapes quotes, backslashes and control characters; U+2028/U+2029 are escaped for older
 * parsers, and `<` so that `</script>` cannot end a script element the source is shown in.
 * `${` needs nothing: it is inert inside a double-quoted literal.
 */
export function stringLiteral(s: string): string {
  const json = JSON.stringify(s);
  return UNSAFE_IN_SCRIPT.test(json) ? json.replace(UNSAFE_IN_SCRIPT_ALL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) : json;
}

/** A finite number as a literal (negative ones parenthesized, -0 kept); Infinity and NaN must come as constants. */
export function numberLiteral(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`CodeGen: ${n} is not a finite number; pass it as a constant`);
  if (Object.is(n, -0)) return '(-0)';
  return n < 0 ? `(${String(n)})` : String(n);
}

function interpolate(arg: CodeArg): string {
  if (arg instanceof Code) return arg.text;
  if (arg instanceof Name) return arg.str;
  if (typeof arg === 'string') return stringLiteral(arg);
  if (typeof arg === 'number') return numberLiteral(arg);
  if (typeof arg === 'boolean') return arg ? 'true' : 'false';
  if (arg === null) return 'null';
  throw new Error('CodeGen: unsupported interpolation');
}

/** The template tag: `_\`${name} === ${userText}\`` quotes the text and splices the name. */
export function _(strs: TemplateStringsArray, ...args: CodeArg[]): Code {
  // A real template call carries `raw`; a plain array passed by hand does not.
  if (!Array.isArray(strs.raw)) throw new Error('CodeGen: _ must be used as a template tag');
  let text = strs[0];
  for (let i = 0; i < args.length; i++) text += interpolate(args[i]) + strs[i + 1];
  return new Code(text, CODE_TOKEN);
}

/** Joins fragments with a fixed separator (no parentheses added). */
export function join(parts: readonly (Code | Name)[], separator: ' && ' | ' || ' | ', '): Code {
  let text = '';
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i];
    text += (i === 0 ? '' : separator) + (p instanceof Name ? p.str : p.text);
  }
  return new Code(text, CODE_TOKEN);
}

export const TRUE = _`true`;
export const FALSE = _`false`;

/** `(code)`, marked as one group. */
export function group(code: Code): Code {
  return code.grouped ? code : new Code(`(${code.text})`, CODE_TOKEN, true);
}

/** `(a && b ...)`; `true` for none. */
export function and(parts: readonly Code[]): Code {
  if (parts.length === 0) return TRUE;
  return parts.length === 1 ? parts[0] : group(join(parts, ' && '));
}

/** `(a || b ...)`; `false` for none. */
export function or(parts: readonly Code[]): Code {
  if (parts.length === 0) return FALSE;
  return parts.length === 1 ? parts[0] : group(join(parts, ' || '));
}

/** `!(code)`: the group keeps `!` from binding to the first operand only. */
export function not(part: Code): Code {
  return _`!${group(part)}`;
}

/** The text of a condition inside `if (...)`, without a second pair of parentheses. */
function condition(code: Code): string {
  return code.grouped ? code.text : `(${code.text})`;
}

/** Makes names and holds the constants array the generated code receives. */
export class Scope {
  private readonly counters = new Map<string, number>();
  private readonly fixed = new Set<string>();
  private readonly constantNames = new Map<unknown, Name>();
  /** Values passed to the generated function, in the order of their declarations. */
  readonly constants: unknown[] = [];
  /** `[name, index]` of each constant, for `declareConstants`. */
  private readonly constantSlots: [Name, number][] = [];

  /** A fresh identifier: `prefix` then a counter (`value0`, `value1`, ...). */
  name(prefix: string): Name {
    if (!WORD.test(prefix)) throw new Error(`CodeGen: prefix ${JSON.stringify(prefix)} must be letters only`);
    const n = this.counters.get(prefix) ?? 0;
    this.counters.set(prefix, n + 1);
    return new Name(`${prefix}${n}`, NAME_TOKEN);
  }

  /** A fixed identifier (parameters, helpers); each may be taken once. */
  fixedName(word: string): Name {
    if (!WORD.test(word) || this.fixed.has(word)) throw new Error(`CodeGen: fixed name ${JSON.stringify(word)} is invalid or taken`);
    this.fixed.add(word);
    return new Name(word, NAME_TOKEN);
  }

  /** A name for a value passed in the constants array (deduplicated by identity). */
  constant(value: unknown, prefix: string): Name {
    const known = this.constantNames.get(value);
    if (known !== undefined) return known;
    const name = this.name(prefix);
    return this.bind(name, value);
  }

  /** Binds a fixed name to a constant (helpers). */
  fixedConstant(word: string, value: unknown): Name {
    return this.bind(this.fixedName(word), value);
  }

  private bind(name: Name, value: unknown): Name {
    this.constantNames.set(value, name);
    this.constantSlots.push([name, this.constants.length]);
    this.constants.push(value);
    return name;
  }

  /** `const name = constants[i];` for every constant bound so far. */
  declareConstants(gen: CodeGen, constantsParam: Name): void {
    for (const [name, index] of this.constantSlots) gen.const(name, _`${constantsParam}[${index}]`);
  }
}

/**
 * Statements, one a line, indented. A `section()` is a placeholder filled later (declarations
 * that are only known once a function body has been generated).
 */
export class CodeGen {
  private readonly parts: (string | CodeGen)[] = [];
  private indent: string;

  constructor(
    readonly scope: Scope,
    indent = '',
  ) {
    this.indent = indent;
  }

  statement(code: Code): this {
    this.parts.push(`${this.indent}${code.text};`);
    return this;
  }

  const(name: Name, value: Code | Name): this {
    return this.statement(_`const ${name} = ${value}`);
  }

  let(name: Name, value?: Code | Name): this {
    return this.statement(value === undefined ? _`let ${name}` : _`let ${name} = ${value}`);
  }

  assign(target: Code | Name, value: Code | Name): this {
    return this.statement(_`${target} = ${value}`);
  }

  return(value: CodeArg): this {
    return this.statement(_`return ${value}`);
  }

  /** `if (cond) statement;` on one line. */
  ifThen(cond: Code, statement: Code): this {
    this.parts.push(`${this.indent}if ${condition(cond)} ${statement.text};`);
    return this;
  }

  if(cond: Code, then: () => void, otherwise?: () => void): this {
    this.open(`if ${condition(cond)} {`);
    then();
    if (otherwise !== undefined) {
      this.indent = this.indent.slice(2);
      this.parts.push(`${this.indent}} else {`);
      this.indent += '  ';
      otherwise();
    }
    return this.close();
  }

  function(name: Name, params: readonly Name[], body: () => void): this {
    this.open(`function ${name.str}(${params.map((p) => p.str).join(', ')}) {`);
    body();
    return this.close();
  }

  /** A placeholder at the current position and indentation, to be filled later. */
  section(): CodeGen {
    const section = new CodeGen(this.scope, this.indent);
    this.parts.push(section);
    return section;
  }

  toString(): string {
    const lines: string[] = [];
    this.collect(lines);
    return lines.join('\n');
  }

  private collect(lines: string[]): void {
    for (const part of this.parts) {
      if (typeof part === 'string') lines.push(part);
      else part.collect(lines);
    }
  }

  private open(line: string): void {
    this.parts.push(`${this.indent}${line}`);
    this.indent += '  ';
  }

  private close(): this {
    this.indent = this.indent.slice(2);
    this.parts.push(`${this.indent}}`);
    return this;
  }
}

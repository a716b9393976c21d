// The strategies' registry is keyed by the language's word list: a strategy added to the
// language without an implementation must not compile. This compiles state/strategies.ts with
// the real TypeScript compiler, once as it is and once with a new word in core/words.ts.
import { resolve } from 'node:path';
import ts from 'typescript';

const root = resolve(__dirname, '../..');
const words = resolve(root, 'core/words.ts');
const strategies = resolve(root, 'state/strategies.ts');

/** The errors of compiling state/strategies.ts, with core/words.ts's text changed by `edit`. */
function errorsWith(edit: (text: string) => string): string[] {
  const options: ts.CompilerOptions = { strict: true, noEmit: true, skipLibCheck: true, target: ts.ScriptTarget.ES2023, module: ts.ModuleKind.CommonJS, types: [] };
  const host = ts.createCompilerHost(options);
  const readFile = host.readFile.bind(host);
  host.readFile = (file) => (resolve(file) === words ? edit(readFile(file) ?? '') : readFile(file));
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (file, language) => (resolve(file) === words ? ts.createSourceFile(file, host.readFile(file) ?? '', language) : getSourceFile(file, language));
  const program = ts.createProgram([strategies], options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => `${d.file ? d.file.fileName.slice(root.length + 1) : ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
}

test('the strategies compile as they are', () => {
  expect(errorsWith((text) => text)).toEqual([]);
});

test('a strategy in the language without an implementation is a compile error in state/strategies.ts', () => {
  const errors = errorsWith((text) => text.replace("'by_bid']", "'by_bid', 'newest_first']"));
  expect(errors.length).toBeGreaterThan(0);
  expect(errors.join('\n')).toMatch(/state\/strategies\.ts: .*newest_first/s);
});

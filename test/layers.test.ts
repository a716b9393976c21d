// The stages of DESIGN.md, in the order the flow runs: a folder imports only from the folders
// before it (and from itself), so no arrow runs back up the layers.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(__dirname, '..');

/** Each stage and the stages it may import from. */
const LAYERS: Record<string, readonly string[]> = {
  core: [],
  fields: ['core'],
  dsl: ['core'],
  compiler: ['core', 'fields', 'dsl'],
  state: ['core', 'fields', 'dsl', 'compiler'],
  normalize: ['core', 'fields', 'dsl', 'compiler', 'state'],
  routing: ['core', 'fields', 'dsl', 'compiler', 'state', 'normalize'],
  analysis: ['core', 'fields', 'dsl', 'compiler', 'state', 'normalize', 'routing'],
  credentials: ['core', 'fields', 'dsl', 'compiler', 'state', 'normalize', 'routing'],
  pages: ['core', 'fields', 'dsl', 'compiler', 'state', 'normalize', 'routing', 'analysis'],
  cli: ['core', 'fields', 'dsl', 'compiler', 'state', 'normalize', 'routing', 'analysis', 'pages'],
  nodes: ['core', 'fields', 'dsl', 'compiler', 'state', 'normalize', 'routing', 'credentials', 'analysis'],
};

function sources(folder: string): string[] {
  return readdirSync(join(root, folder), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(folder, f));
}

/** The relative modules a file imports, exports from, or loads with import()/require(). */
function importsOf(file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  const found: string[] = [];
  for (const m of text.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)['"](\.[^'"]*)['"]/gm)) found.push(m[1]);
  return found;
}

/** `a.ts imports ../b/c` for every import of a stage's files that leaves the stage for one it may not use. */
function backwardArrows(folder: string): string[] {
  const allowed = new Set([folder, ...LAYERS[folder]]);
  const arrows: string[] = [];
  for (const file of sources(folder)) {
    for (const spec of importsOf(file)) {
      const target = relative(root, resolve(root, dirname(file), spec)).split(/[\\/]/)[0];
      if (!allowed.has(target)) arrows.push(`${file} imports ${spec}`);
    }
  }
  return arrows;
}

test.each(Object.keys(LAYERS))('%s/ imports only from the stages before it', (folder) => {
  expect(backwardArrows(folder)).toEqual([]);
});

test('every source folder is a stage of the table', () => {
  const notStages = ['bench', 'e2e', 'test', 'node_modules', 'dist'];
  const folders = readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.startsWith('.') && !notStages.includes(d.name))
    .filter((d) => sources(d.name).length > 0)
    .map((d) => d.name);
  expect(folders.sort()).toEqual(Object.keys(LAYERS).sort());
});

test('the check sees a backward arrow when there is one', () => {
  // dsl/ really imports from core/; with core/ taken out of what it may use, that is an arrow.
  const saved = LAYERS.dsl;
  LAYERS.dsl = [];
  try {
    expect(backwardArrows('dsl').some((a) => a.includes('../core/'))).toBe(true);
  } finally {
    LAYERS.dsl = saved;
  }
});

// Policies the page tests draw: the language's whole policy, and one whose every name is hostile
// markup, quotes or a prototype key, so that escaping is checked where names really reach a page.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compilePolicy } from '../../compiler/compile';

export const ACME = compilePolicy(readFileSync(join(__dirname, '../../examples/acme-inbound.route'), 'utf8'));

/** Every name a page shows is an attack on the page: tags, quotes that close attributes, `__proto__`. */
export const HOSTILE = compilePolicy(`policy "<img src=x onerror=alert(1)>"
pool "__proto__" = ["<script>alert(1)</script>", "a\\"b'c", constructor]
when source = "</text><script>alert(2)</script>" route round_robin("__proto__")
else queue "\\"'><svg onload=alert(3)>"
fallback queue "<b>lost</b>"
`);

/** Text that must never appear in a page's markup unescaped. */
export const HOSTILE_MARKUP = ['<script', '<img', '<svg onload', '<b>', `"'>`, `a"b'c`];

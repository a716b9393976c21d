// Text shown to people on a terminal. Anything leadroute echoes (a policy's source line, a lead's
// bad JSON, a member's name) can hold control characters that a terminal would obey (clear the
// screen, move the cursor, rewrite a line) or bidirectional overrides that make code read
// differently than it runs; they are shown escaped instead.

// eslint-disable-next-line no-control-regex -- control characters are exactly what is matched
const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;

/**
 * `text` with every control character except tab and new line, and every bidirectional control,
 * written as `\uXXXX` (the JSON escape, so a JSON line stays valid JSON).
 */
export function escapeControls(text: string): string {
  return text.replace(UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

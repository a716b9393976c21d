// Which Node versions leadroute runs on, checked by the `leadroute` command (cli/main.ts) before
// it loads anything else. Old Node must be able to load this file: it imports nothing and uses
// nothing newer than Node 18 has.

/** The oldest Node major version leadroute runs on, as package.json "engines" says. */
export const MIN_NODE_MAJOR = 24;

/**
 * The one line to print when leadroute runs on Node `version` (process.versions.node, such as
 * '20.20.2'), or undefined when that version is new enough.
 */
export function unsupportedNodeMessage(version: string): string | undefined {
  if (Number.parseInt(version, 10) >= MIN_NODE_MAJOR) return undefined;
  return (
    `leadroute needs Node.js ${MIN_NODE_MAJOR} or later, and this is Node.js ${version}: install Node.js ${MIN_NODE_MAJOR} LTS (https://nodejs.org), ` +
    `or, inside the leadroute project, use npm run or npx leadroute, which run on the project's own Node ${MIN_NODE_MAJOR} (its "node" dev dependency).`
  );
}

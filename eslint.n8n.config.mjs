// n8n's own community-node lint (@n8n/node-cli, the configuration without n8n Cloud support),
// run by `npm run lint` over the node pack: nodes/, credentials/ and package.json. Two rules
// are off, for reasons of the design:
// - `no-runtime-dependencies`: the pack is an ordinary community package for self-hosted n8n,
//   which installs a package's dependencies; routing needs its parser, time zones and the Redis
//   client at run time (DESIGN.md, "The runtime").
// - `node-class-description-credentials-name-unsuffixed`: the Redis credential is not an API
//   key and is named like n8n's own Redis credential (`redis`), without an `Api` suffix.
import { configWithoutCloudSupport } from '@n8n/node-cli/eslint';

export default [
  ...configWithoutCloudSupport,
  { files: ['package.json'], rules: { '@n8n/community-nodes/no-runtime-dependencies': 'off' } },
  { files: ['nodes/**/*.ts'], rules: { 'n8n-nodes-base/node-class-description-credentials-name-unsuffixed': 'off' } },
];

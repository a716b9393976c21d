// The Redis server that keeps the routing state (rotation, caps, away flags, sticky owners) for
// n8n queue mode, where several workers route leads at once. Its test is a node method
// (n8n's credential test request is for HTTP services): the Route node declares
// `testedBy: 'leadRoutingRedisConnectionTest'` and calls testRedisConnection() from state/redis.ts,
// which connects, runs the state transaction script under the key prefix, and never puts the
// password or user into its message.

import type { ICredentialType, INodeProperties } from 'n8n-workflow';

export class LeadRoutingRedis implements ICredentialType {
  name = 'leadRoutingRedis';

  displayName = 'Lead Routing Redis';

  documentationUrl = 'https://www.npmjs.com/package/n8n-nodes-leadroute#shared-routing-state';

  icon = { light: 'file:leadRoutingRedis.svg', dark: 'file:leadRoutingRedis.dark.svg' } as const;

  properties: INodeProperties[] = [
    {
      displayName: 'Host',
      name: 'host',
      type: 'string',
      default: 'localhost',
      required: true,
      description: 'Host name or IP address of the Redis server. Workers of one n8n instance must use the same server, database and key prefix to share the rotation.',
    },
    {
      displayName: 'Port',
      name: 'port',
      type: 'number',
      default: 6379,
      required: true,
    },
    {
      displayName: 'User',
      name: 'user',
      type: 'string',
      default: '',
      description: 'Redis 6+ ACL user name. Leave empty for the default user (password only, or none).',
    },
    {
      displayName: 'Password',
      name: 'password',
      type: 'string',
      typeOptions: { password: true },
      default: '',
    },
    {
      displayName: 'Database Number',
      name: 'database',
      type: 'number',
      default: 0,
      typeOptions: { minValue: 0 },
    },
    {
      displayName: 'TLS',
      name: 'tls',
      type: 'boolean',
      default: false,
      description: 'Whether to connect over TLS (e.g. a managed Redis that requires it)',
    },
    {
      displayName: 'Key Prefix',
      name: 'keyPrefix',
      type: 'string',
      default: 'leadroute:',
      description: 'Put before every key the routing state writes, so that it can share a Redis server (and n8n queue mode\'s own Redis) with other data',
    },
  ];
}

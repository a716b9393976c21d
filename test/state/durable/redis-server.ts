// The tests' own redis-server (bench/redis-server.ts). When CI=true and no server can be started,
// the Redis tests fail instead of skipping.

import { redisServerPath } from '../../../bench/redis-server';

export { freePort, RedisServer, redisServerPath } from '../../../bench/redis-server';

/** Whether the Redis tests run: they skip without a server, except on CI where they fail. */
export function redisTestsRun(): boolean {
  if (redisServerPath() !== null) return true;
  if (process.env.CI === 'true') return true; // RedisServer.start() then fails the suite
  console.warn('redis-server not found: the Redis store tests are skipped (on CI they fail)');
  return false;
}

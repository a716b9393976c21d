// The routing state: the store interface, the three stores and how to open them, the strategies,
// and assign().
export * from './store';
export { MemoryStore, type MemoryStoreOptions } from './memory';
export { SqliteStore, type SqliteStoreOptions } from './sqlite';
export { RedisStore, testRedisConnection, type ConnectionTestResult, type RedisStoreOptions } from './redis';
export { checkStore, openStore, parseStoreSpec, redisOptionsFromCredentials, STORE_SPEC_FORMS, type StoreSpec } from './open';
export * from './strategies';
export { assign, assignMany, ASSIGN_BATCH, exceptionDecision } from './assign';
export { markAway, markBack, resetState, storeIdentity } from './admin';
export { stateKeys } from './keys';
export { readState, type StateReport } from './report';
export * from './ledger-entry';
export * from './ledger';
export * from './ledger-export';

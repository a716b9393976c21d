// The routing state: the store interface, the in-memory store, the strategies and assign().
export * from './store';
export { MemoryStore, type MemoryStoreOptions } from './memory';
export * from './strategies';
export { assign, exceptionDecision, markAway, markBack, readState, stateKeys, type StateReport } from './assign';

// The language's closed word lists, below both dsl/ (which checks a policy against them) and
// compiler/ (whose IR holds them). Each type is derived from its list, so a word added here is
// known to the checker at once and, for strategies, must be implemented before anything
// compiles (state/strategies.ts keys its registry by Strategy).

export const STRATEGIES = ['round_robin', 'weighted', 'least_loaded', 'first_available', 'by_bid'] as const;
export type Strategy = (typeof STRATEGIES)[number];

export const PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const CAP_PERIODS = ['hour', 'day', 'week'] as const;
export type CapPeriod = (typeof CAP_PERIODS)[number];

/** A sold cap may also count by the month: buyers' contracts are often monthly. */
export const SOLD_CAP_PERIODS = [...CAP_PERIODS, 'month'] as const;
export type SoldCapPeriod = (typeof SOLD_CAP_PERIODS)[number];

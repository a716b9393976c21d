// The end-to-end tests: a real n8n (installed into e2e/node_modules by the global setup) runs
// the packed node pack. Kept apart from `npm test`, which stays fast and needs no n8n. One test
// file at a time: each starts its own n8n, and the machine has 2 cores.
import root from '../jest.config.js';

/** @type {import('jest').Config} */
export default {
  ...root,
  rootDir: '..',
  roots: ['<rootDir>/e2e'],
  testMatch: ['<rootDir>/e2e/*.e2e.test.ts'],
  modulePathIgnorePatterns: ['<rootDir>/e2e/node_modules/', '<rootDir>/.e2e/'],
  globalSetup: '<rootDir>/e2e/global-setup.ts',
  maxWorkers: 1,
  testTimeout: 600_000,
  verbose: true,
};

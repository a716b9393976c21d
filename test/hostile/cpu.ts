// CPU time of a call, for tests that guard against a pathological slowdown: unlike the wall
// clock, it does not grow when the machine is busy with other test files.
export function cpuSeconds<T>(run: () => T): { result: T; seconds: number } {
  const started = process.cpuUsage();
  const result = run();
  const used = process.cpuUsage(started);
  return { result, seconds: (used.user + used.system) / 1e6 };
}

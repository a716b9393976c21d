import type { RoutingRecord } from '../../routing/escalate';
import { dueFrom, slaClock, slaDeadline, SlaSettingError } from '../../routing/sla';

const FRIDAY_4PM_NY = Date.parse('2026-11-27T21:00:00Z');

function settingOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return error instanceof SlaSettingError ? error.setting : 'other';
  }
  return undefined;
}

describe('slaClock and dueFrom', () => {
  test('clock time counts every minute', () => {
    expect(dueFrom(FRIDAY_4PM_NY, slaClock('2h'))).toBe(FRIDAY_4PM_NY + 2 * 3_600_000);
    expect(dueFrom(FRIDAY_4PM_NY, slaClock('2h', { hours: ' ', tz: 'UTC' }))).toBe(FRIDAY_4PM_NY + 2 * 3_600_000);
  });

  test('business time counts only the hours, in their zone: Friday 16:00 plus 2h is Monday 10:00 in New York', () => {
    const clock = slaClock('2h', { hours: 'Mon-Fri 09:00-17:00', tz: 'America/New_York' });
    expect(new Date(dueFrom(FRIDAY_4PM_NY, clock)).toISOString()).toBe('2026-11-30T15:00:00.000Z');
  });

  test('a setting that cannot be read is named', () => {
    expect(settingOf(() => slaClock('soon'))).toBe('duration');
    expect(settingOf(() => slaClock('1.5h'))).toBe('duration');
    expect(settingOf(() => slaClock('1h', { hours: 'Mon-Fry 09:00-17:00', tz: 'UTC' }))).toBe('hours');
    expect(settingOf(() => slaClock('1h', { hours: 'Mon-Fri 09:00-17:00', tz: 'Mars/Olympus' }))).toBe('tz');
  });
});

describe('slaDeadline', () => {
  const routed = (sla: RoutingRecord['sla']) => ({ sla }) as RoutingRecord;
  test("the decision's due wins over a fallback", () => {
    expect(slaDeadline(routed({ duration: '5m', business: false, due: '2026-11-23T15:05:00.000Z' }), 0, slaClock('1d'))).toBe(Date.parse('2026-11-23T15:05:00.000Z'));
  });
  test('without an SLA: the fallback from now, or null', () => {
    expect(slaDeadline(routed(null), 1000, slaClock('1m'))).toBe(61_000);
    expect(slaDeadline(routed(null), 1000, null)).toBeNull();
  });
  test('a due that is not a time is an error that quotes it', () => {
    expect(() => slaDeadline(routed({ duration: '5m', business: false, due: 'tomorrow' }), 0, null)).toThrow('routing.sla.due is not a time: "tomorrow"');
  });
});

import { assert, describe, expect, it } from 'vitest';
import { localDate } from '../../src/analytics/domain/timezone';
import { addCustomer, addOrder } from '../helpers/analytics-fixtures';
import { createTenant } from '../helpers/factories';
import { answeredJson, rest } from '../helpers/rest';

const DAY = 86_400_000;
const MINUTE = 60_000;

describe('period-to-date comparisons', () => {
  it('compares today so far with the same weekday last week up to the same time of day, and says so', async () => {
    const t = await createTenant();
    const c = await addCustomer(t);
    const now = Date.now();
    const WEEK = 7 * DAY;
    const earlier = now - WEEK - 20 * MINUTE;
    const later = now - WEEK + 20 * MINUTE;
    const lastWeek = localDate('Europe/Berlin', now - WEEK);
    await addOrder(t, { customerId: c, orderedAt: new Date(earlier).toISOString(), totalMinor: 1_000 });
    await addOrder(t, { customerId: c, orderedAt: new Date(later).toISOString(), totalMinor: 50_000 });
    await addOrder(t, { customerId: c, orderedAt: new Date(now - 5 * MINUTE).toISOString(), totalMinor: 2_000 });

    const res = await answeredJson(
      rest(t.token).GET('/v1/analytics/executive-report', { params: { query: { period: 'day' } } }),
    );
    expect(res.status).toBe(200);
    const { until } = res.body.current;
    const previousUntil = res.body.previous.until;
    assert.isDefined(until);
    assert.isDefined(previousUntil);
    // A week earlier, give or take the hour a daylight-saving change moves the clock.
    const gap = Date.parse(until) - Date.parse(previousUntil);
    expect(Math.abs(gap - WEEK)).toBeLessThanOrEqual(3_600_000);
    const revenue = res.body.summary.find((l) => l.key === 'revenueMinor');
    const previous = Number(revenue?.previous);
    // Near local midnight the three orders fall on other days than intended: only the shape is checked then.
    const sameDays =
      localDate('Europe/Berlin', earlier) === lastWeek &&
      localDate('Europe/Berlin', later) === lastWeek &&
      localDate('Europe/Berlin', now - 5 * MINUTE) === localDate('Europe/Berlin', now);
    if (sameDays) {
      // The 50,000 order was taken later in the day than now: it is not part of "that day so far".
      expect(previous).toBe(1_000);
      expect(Number(revenue?.value)).toBe(2_000);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { localDate } from '../../src/analytics/domain/timezone';
import { addCustomer, addOrder } from '../helpers/analytics-fixtures';
import { api } from '../helpers/api';
import { createTenant } from '../helpers/factories';

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

    const res = await api('GET', '/v1/analytics/executive-report?period=day', undefined, { token: t.token });
    expect(res.status).toBe(200);
    expect(res.body.current.until).toBeDefined();
    // A week earlier, give or take the hour a daylight-saving change moves the clock.
    const gap = Date.parse(res.body.current.until) - Date.parse(res.body.previous.until);
    expect(Math.abs(gap - WEEK)).toBeLessThanOrEqual(3_600_000);
    const revenue = res.body.summary?.find?.((l: { key: string }) => l.key === 'revenueMinor');
    const previous = Number(revenue?.previous ?? res.body.previousTotals?.revenueMinor);
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

import { describe, expect, it } from 'vitest';
import { REPORTS, reportNamed, reportPath } from '../src/reports/report-catalog';
import { localDate } from '../src/ui/format';
import { BASE, href, isAppRoot, routeOf } from '../src/ui/router';

describe('routes', () => {
  it('reads the screen and its parameter from the path', () => {
    expect(routeOf(`${BASE}/live`)).toEqual({ screen: 'live', param: null });
    expect(routeOf(`${BASE}/salesmen`)).toEqual({ screen: 'salesmen', param: null });
    expect(routeOf(`${BASE}/salesmen/sm_123/`)).toEqual({ screen: 'salesmen', param: 'sm_123' });
    expect(routeOf(`${BASE}/reports/forecast`)).toEqual({ screen: 'reports', param: 'forecast' });
  });

  it('reads the admin screens and their tabs', () => {
    expect(routeOf(`${BASE}/team/territories`)).toEqual({ screen: 'team', param: 'territories' });
    expect(routeOf(`${BASE}/settings`)).toEqual({ screen: 'settings', param: null });
    expect(routeOf(`${BASE}/import/0190-abc`)).toEqual({ screen: 'import', param: '0190-abc' });
    expect(routeOf(`${BASE}/onboarding`)).toEqual({ screen: 'onboarding', param: null });
  });

  it('knows the bare app URL, where the app picks the screen', () => {
    expect(isAppRoot(BASE)).toBe(true);
    expect(isAppRoot(`${BASE}/`)).toBe(true);
    expect(isAppRoot(`${BASE}/live`)).toBe(false);
  });

  it('opens Live for an empty or unknown path', () => {
    expect(routeOf(`${BASE}/`)).toEqual({ screen: 'live', param: null });
    expect(routeOf(`${BASE}/nope/x`)).toEqual({ screen: 'live', param: null });
  });

  it('builds deep links that read back', () => {
    const url = href('salesmen', 'a b/c');
    expect(routeOf(url)).toEqual({ screen: 'salesmen', param: 'a b/c' });
    expect(href('reports')).toBe(`${BASE}/reports`);
  });
});

describe('reports', () => {
  it('puts the period in the endpoint URL the exports share', () => {
    const sales = reportNamed('sales-performance');
    expect(reportPath(sales, { value: 'week', date: '' })).toBe('/v1/analytics/sales-performance?period=week');
    expect(reportPath(sales, { value: 'month', date: '2026-11-03' })).toBe(
      '/v1/analytics/sales-performance?period=month&date=2026-11-03',
    );
    expect(reportPath(reportNamed('forecast'), { value: '60', date: '' })).toBe('/v1/analytics/forecast?days=60');
    expect(reportPath(reportNamed('heatmap'), { value: '30', date: '' })).toBe(
      '/v1/analytics/territory-heatmap?days=30&precision=4',
    );
    expect(reportPath(reportNamed('heatmap'), { value: '90', date: '', choice: '6' })).toBe(
      '/v1/analytics/territory-heatmap?days=90&precision=6',
    );
    expect(reportPath(reportNamed('segments'), { value: '', date: '' })).toBe('/v1/analytics/customer-segmentation');
  });

  it('falls back to the first report for an unknown name', () => {
    expect(reportNamed('nope')).toBe(REPORTS[0]);
    expect(reportNamed(null)).toBe(REPORTS[0]);
  });
});

describe('local dates', () => {
  it('takes the day in the tenant timezone, not UTC', () => {
    expect(localDate('2026-03-01T23:30:00Z', 'Europe/Berlin')).toBe('2026-03-02');
    expect(localDate('2026-03-02T03:00:00Z', 'America/New_York')).toBe('2026-03-01');
  });
});

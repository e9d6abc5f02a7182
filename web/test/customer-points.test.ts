import { describe, expect, it } from 'vitest';
import { located } from '../src/live/customer-points';

describe('customers on the Live map', () => {
  it('keeps the customers with a position', () => {
    const rows = [
      { id: 'a', name: 'Kiosk', city: 'Kiel', lat: 54.3, lng: 10.1 },
      { id: 'b', name: 'No place', city: null, lat: null, lng: null },
      { id: 'c', name: 'Half a place', city: null, lat: 53.5, lng: null },
    ];
    expect(located(rows)).toEqual([{ id: 'a', name: 'Kiosk', city: 'Kiel', lat: 54.3, lng: 10.1 }]);
  });
});

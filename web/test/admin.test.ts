import { describe, expect, it } from 'vitest';
import {
  can,
  canManageReports,
  canManageUser,
  grantableRoles,
  grantableScopes,
  PERMISSIONS,
} from '../src/auth/permissions';
import { isAdmin } from '../src/auth/session';
import { keyStatus } from '../src/settings/api-keys-panel';
import { readOnly, scopeGroups } from '../src/settings/scopes';
import type { ApiKey } from '../src/settings/settings-types';
import { parseRecipients } from '../src/settings/subscriptions-panel';

describe('what each role is offered (mirrors the API’s permissions)', () => {
  it('lets owners and admins change users, settings and keys; managers the team and territories; viewers nothing', () => {
    for (const role of ['owner', 'admin'] as const) {
      expect(can(role, 'users:write')).toBe(true);
      expect(can(role, 'tenant:write')).toBe(true);
      expect(can(role, 'api_keys:manage')).toBe(true);
    }
    expect(can('manager', 'users:read')).toBe(true);
    expect(can('manager', 'users:write')).toBe(false);
    expect(can('manager', 'tenant:write')).toBe(false);
    expect(can('manager', 'api_keys:manage')).toBe(false);
    expect(can('manager', 'territories:write')).toBe(true);
    expect(can('manager', 'salesmen:write')).toBe(true);
    expect(canManageReports('manager')).toBe(true);
    expect(PERMISSIONS.filter((p) => can('viewer', p)).every((p) => p.endsWith(':read'))).toBe(true);
    expect(canManageReports('viewer')).toBe(false);
    // Sent to the getting-started checklist after signing in.
    expect(isAdmin('admin')).toBe(true);
    expect(isAdmin('manager')).toBe(false);
  });

  it('never offers a role above one’s own, nor managing someone ranked above', () => {
    expect(grantableRoles('owner')).toEqual(['owner', 'admin', 'manager', 'salesman', 'viewer']);
    expect(grantableRoles('admin')).toEqual(['admin', 'manager', 'salesman', 'viewer']);
    expect(grantableRoles('manager')).toEqual([]);
    expect(canManageUser('admin', 'owner')).toBe(false);
    expect(canManageUser('admin', 'admin')).toBe(true);
    expect(canManageUser('viewer', 'viewer')).toBe(false);
  });

  it('offers API key scopes up to the creator’s own, as a resource × action grid', () => {
    expect(grantableScopes('admin')).toEqual([...PERMISSIONS]);
    const groups = scopeGroups(grantableScopes('owner'));
    expect(groups.find((g) => g.resource === 'orders')?.scopes).toEqual({ read: 'orders:read', write: 'orders:write' });
    expect(groups.find((g) => g.resource === 'api_keys')?.scopes).toEqual({ manage: 'api_keys:manage' });
    expect(readOnly(grantableScopes('owner')).every((s) => s.endsWith(':read'))).toBe(true);
  });
});

describe('the mirror', () => {
  it('grants each role exactly what the API grants it (src/auth/permissions.ts)', async () => {
    // A path the web typecheck does not follow: the server module is read at run time only.
    const serverModule = new URL('../../src/auth/permissions.ts', import.meta.url).pathname;
    const server = (await import(/* @vite-ignore */ serverModule)) as {
      PERMISSIONS: readonly string[];
      ROLE_PERMISSIONS: Record<string, ReadonlySet<string>>;
    };
    expect([...PERMISSIONS]).toEqual([...server.PERMISSIONS]);
    for (const role of ['owner', 'admin', 'manager', 'salesman', 'viewer'] as const) {
      expect(PERMISSIONS.filter((p) => can(role, p))).toEqual(
        server.PERMISSIONS.filter((p) => server.ROLE_PERMISSIONS[role]?.has(p)),
      );
    }
  });
});

describe('settings', () => {
  it('tells active, expired and revoked keys apart', () => {
    const key = { revokedAt: null, expiresAt: null } as ApiKey;
    const now = Date.parse('2026-05-01T00:00:00Z');
    expect(keyStatus(key, now)).toBe('active');
    expect(keyStatus({ ...key, expiresAt: '2026-04-30T00:00:00Z' }, now)).toBe('expired');
    expect(keyStatus({ ...key, expiresAt: '2026-04-30T00:00:00Z', revokedAt: '2026-04-01T00:00:00Z' }, now)).toBe(
      'revoked',
    );
  });

  it('reads report recipients separated by commas, semicolons or lines, once each', () => {
    expect(parseRecipients(' a@x.test, b@x.test;\nc@x.test  a@x.test\n')).toEqual(['a@x.test', 'b@x.test', 'c@x.test']);
    expect(parseRecipients('  ')).toEqual([]);
  });
});

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { invitationTokenOf } from '../src/auth/accept-invite-screen';
import { AuthSession, canManage, secondFactorOf } from '../src/auth/session';

/** An in-memory sessionStorage. */
class MemoryStorage implements Storage {
  #items = new Map<string, string>();
  get length() {
    return this.#items.size;
  }
  clear() {
    this.#items.clear();
  }
  getItem(key: string) {
    return this.#items.get(key) ?? null;
  }
  key(index: number) {
    return [...this.#items.keys()][index] ?? null;
  }
  removeItem(key: string) {
    this.#items.delete(key);
  }
  setItem(key: string, value: string) {
    this.#items.set(key, value);
  }
}

const user = { id: 'u1', email: 'manager@example.test', name: 'Mia Manager', role: 'manager' };
const tenant = { id: 't1', name: 'Acme', timezone: 'Europe/Berlin', currency: 'EUR' };
const pair = (n: number, expiresIn = 900) => ({
  accessToken: `access-${n}`,
  refreshToken: `refresh-${n}`,
  tokenType: 'Bearer',
  expiresIn,
});
const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': status < 300 ? 'application/json' : 'application/problem+json' },
  });

type Route = (init: RequestInit & { headers: Record<string, string> }) => Response;
let routes: Record<string, Route>;
let calls: { path: string; body: any; authorization: string | undefined }[];

beforeEach(() => {
  vi.useFakeTimers();
  calls = [];
  routes = {};
  vi.stubGlobal('fetch', async (path: string, init: RequestInit & { headers: Record<string, string> }) => {
    calls.push({
      path,
      body: init.body ? JSON.parse(String(init.body)) : undefined,
      authorization: init.headers.authorization,
    });
    const route = routes[`${init.method} ${path}`];
    if (!route) return json(404, { status: 404, code: 'NOT_FOUND' });
    return route(init);
  });
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('AuthSession', () => {
  it('signs in, keeps the refresh token for the tab and renews the access token before it expires', async () => {
    let refreshes = 0;
    routes['POST /v1/auth/login'] = () => json(200, { ...pair(0), user, tenant });
    routes['POST /v1/auth/refresh'] = () => json(200, pair(++refreshes));
    const storage = new MemoryStorage();
    const auth = new AuthSession(storage);
    const states: string[] = [];
    auth.subscribe((s) => states.push(s.status));

    expect(await auth.login(user.email, 'correct horse battery')).toBeNull();
    expect(states).toEqual(['signed-in']);
    expect(auth.state).toMatchObject({ via: 'login' });
    expect(await auth.accessToken()).toBe('access-0');
    expect(JSON.parse(storage.getItem('fieldline.session') ?? '{}').refreshToken).toBe('refresh-0');

    // 900 s lifetime: renewed a minute before the end.
    await vi.advanceTimersByTimeAsync(839_000);
    expect(refreshes).toBe(0);
    await vi.advanceTimersByTimeAsync(2_000);
    expect(refreshes).toBe(1);
    expect(calls.at(-1)?.body).toEqual({ refreshToken: 'refresh-0' });
    expect(await auth.accessToken()).toBe('access-1');
    expect(JSON.parse(storage.getItem('fieldline.session') ?? '{}').refreshToken).toBe('refresh-1');
  });

  it('answers the organisations to choose from when the email has several, then signs in to the chosen one', async () => {
    const tenants = [
      { id: 't1', name: 'Acme' },
      { id: 't2', name: 'Globex' },
    ];
    routes['POST /v1/auth/login'] = (init) =>
      JSON.parse(String(init.body)).tenantId
        ? json(200, { ...pair(0), user, tenant })
        : json(409, { status: 409, code: 'TENANT_REQUIRED', detail: 'pass tenantId', tenants });
    const auth = new AuthSession(new MemoryStorage());
    expect(await auth.login(user.email, 'pw')).toEqual({ tenants });
    expect(auth.state.status).toBe('restoring');
    expect(await auth.login(user.email, 'pw', 't2')).toBeNull();
    expect(calls.at(-1)?.body).toEqual({ email: user.email, password: 'pw', tenantId: 't2' });
    expect(auth.state.status).toBe('signed-in');
  });

  it('answers the challenge when a second factor is needed, then signs in with a code', async () => {
    routes['POST /v1/auth/login'] = () =>
      json(401, { status: 401, code: 'TWO_FACTOR_REQUIRED', challengeToken: 'ch-1', expiresIn: 300 });
    routes['POST /v1/auth/login/two-factor'] = () => json(200, { ...pair(0), user, tenant });
    const auth = new AuthSession(new MemoryStorage());
    expect(await auth.login(user.email, 'pw')).toEqual({ challengeToken: 'ch-1' });
    expect(auth.state.status).toBe('restoring');
    await auth.completeTwoFactor('ch-1', secondFactorOf(' 123 456 '));
    expect(calls.at(-1)?.body).toEqual({ challengeToken: 'ch-1', code: '123456' });
    expect(auth.state.status).toBe('signed-in');
    expect(await auth.accessToken()).toBe('access-0');
  });

  it('joins through an invitation link and is signed in, keeping the session for the tab', async () => {
    routes['POST /v1/invitations/accept'] = () => json(201, { ...pair(0), user, tenant });
    const storage = new MemoryStorage();
    const auth = new AuthSession(storage);
    await auth.acceptInvitation('tok-123', 'marble otter lantern 42', 'Mia M.');
    expect(calls.at(-1)?.body).toEqual({ token: 'tok-123', password: 'marble otter lantern 42', name: 'Mia M.' });
    expect(auth.state).toMatchObject({ status: 'signed-in', via: 'login', user: { id: 'u1' } });
    expect(JSON.parse(storage.getItem('fieldline.session') ?? '{}').refreshToken).toBe('refresh-0');
    expect(invitationTokenOf('#token=abc_DEF-1')).toBe('abc_DEF-1');
    expect(invitationTokenOf('')).toBeNull();
  });

  it('tells app codes from recovery codes as typed', () => {
    expect(secondFactorOf('123456')).toEqual({ code: '123456' });
    expect(secondFactorOf(' abcde-fghjk ')).toEqual({ recoveryCode: 'abcde-fghjk' });
  });

  it('asks for a code when an action needs a step-up, steps up and retries with the new token', async () => {
    routes['POST /v1/auth/login'] = () => json(200, { ...pair(0), user, tenant });
    routes['POST /v1/auth/step-up'] = () => json(200, { accessToken: 'stepped', tokenType: 'Bearer', expiresIn: 900 });
    routes['POST /v1/api-keys'] = (init) =>
      init.headers.authorization === 'Bearer stepped'
        ? json(201, { secret: 'flk_x' })
        : json(403, { status: 403, code: 'STEP_UP_REQUIRED', detail: 'Confirm with a code' });
    const auth = new AuthSession(new MemoryStorage());
    await auth.login(user.email, 'pw');
    // Declined: the refusal stands.
    auth.stepUpPrompt = async () => null;
    await expect(auth.fetch('/v1/api-keys', { method: 'POST', body: {} })).rejects.toMatchObject({
      code: 'STEP_UP_REQUIRED',
    });
    auth.stepUpPrompt = async () => ({ code: '654321' });
    expect(await auth.fetch('/v1/api-keys', { method: 'POST', body: {} })).toEqual({ secret: 'flk_x' });
    expect(calls.find((c) => c.path === '/v1/auth/step-up')?.body).toEqual({ code: '654321' });
    expect(await auth.accessToken()).toBe('stepped');
  });

  it('refuses wrong credentials with the API problem', async () => {
    routes['POST /v1/auth/login'] = () =>
      json(401, { status: 401, code: 'INVALID_CREDENTIALS', detail: 'Invalid email or password' });
    const auth = new AuthSession(new MemoryStorage());
    await expect(auth.login(user.email, 'nope')).rejects.toMatchObject({ status: 401, code: 'INVALID_CREDENTIALS' });
  });

  it('renews the token once on a 401 and retries the call', async () => {
    routes['POST /v1/auth/login'] = () => json(200, { ...pair(0), user, tenant });
    routes['POST /v1/auth/refresh'] = () => json(200, pair(1));
    routes['GET /v1/salesmen/online'] = (init) =>
      init.headers.authorization === 'Bearer access-1'
        ? json(200, { data: [] })
        : json(401, { status: 401, code: 'UNAUTHENTICATED' });
    const auth = new AuthSession(new MemoryStorage());
    await auth.login(user.email, 'pw');
    expect(await auth.fetch('/v1/salesmen/online')).toEqual({ data: [] });
    expect(calls.map((c) => c.path)).toEqual([
      '/v1/auth/login',
      '/v1/salesmen/online',
      '/v1/auth/refresh',
      '/v1/salesmen/online',
    ]);
  });

  it('signs out when the refresh token is refused, and concurrent callers share one refresh', async () => {
    routes['POST /v1/auth/login'] = () => json(200, { ...pair(0), user, tenant });
    routes['POST /v1/auth/refresh'] = () => json(401, { status: 401, code: 'UNAUTHENTICATED' });
    const storage = new MemoryStorage();
    const auth = new AuthSession(storage);
    await auth.login(user.email, 'pw');
    const results = await Promise.allSettled([auth.refresh(), auth.refresh()]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    expect(calls.filter((c) => c.path === '/v1/auth/refresh')).toHaveLength(1);
    expect(auth.state.status).toBe('signed-out');
    expect(storage.getItem('fieldline.session')).toBeNull();
  });

  it("resumes the tab's session after a reload, and signing out ends the login on the server", async () => {
    const storage = new MemoryStorage();
    storage.setItem('fieldline.session', JSON.stringify({ refreshToken: 'refresh-7', tenant }));
    routes['POST /v1/auth/refresh'] = () => json(200, pair(8));
    routes['GET /v1/users/me'] = () => json(200, user);
    routes['POST /v1/auth/logout'] = () => new Response(null, { status: 204 });
    const auth = new AuthSession(storage);
    await auth.restore();
    expect(auth.state).toEqual({ status: 'signed-in', user, tenant, via: 'restore' });
    expect(calls.find((c) => c.path === '/v1/users/me')?.authorization).toBe('Bearer access-8');

    // Renamed in Settings: the header and the next reload show the new name.
    auth.updateTenant({ ...tenant, name: 'Acme Wholesale', plan: 'pro' } as typeof tenant);
    expect(auth.state).toMatchObject({ tenant: { ...tenant, name: 'Acme Wholesale' } });
    expect(JSON.parse(storage.getItem('fieldline.session') ?? '{}').tenant).toEqual({
      ...tenant,
      name: 'Acme Wholesale',
    });

    await auth.logout();
    expect(auth.state.status).toBe('signed-out');
    expect(calls.at(-1)).toMatchObject({ path: '/v1/auth/logout', body: { refreshToken: 'refresh-8' } });
    expect(storage.getItem('fieldline.session')).toBeNull();
  });

  it('starts signed out without a stored session', async () => {
    const auth = new AuthSession(new MemoryStorage());
    await auth.restore();
    expect(auth.state.status).toBe('signed-out');
    expect(calls).toEqual([]);
  });
});

describe('canManage', () => {
  it('lets managers and above change things, not viewers or salesmen', () => {
    expect(['owner', 'admin', 'manager', 'viewer', 'salesman'].map((r) => canManage(r as never))).toEqual([
      true,
      true,
      true,
      false,
      false,
    ]);
  });
});

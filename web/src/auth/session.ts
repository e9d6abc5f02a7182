import { ApiError, type RequestOptions, requestJson } from '../api/http';
import type { SessionBody, Tenant, TokenPair, User } from '../api/types';

export type AuthState =
  | { status: 'restoring' }
  | { status: 'signed-out'; reason?: string }
  /** `via` says whether this is a fresh sign-in or a resumed session (a reload): only the former picks a landing screen. */
  | { status: 'signed-in'; user: User; tenant: Tenant; via: 'login' | 'restore' };

/** What a login answers when the email opens accounts in several organisations: pick one and retry. */
export interface TenantChoice {
  tenants: { id: string; name: string }[];
}

/** What a login answers when the user has two-factor authentication on: a code is still needed. */
export interface TwoFactorChallenge {
  challengeToken: string;
}

/** A second factor: a code of the authenticator app, or a recovery code. */
export type SecondFactor = { code: string } | { recoveryCode: string };

/** Asks the user for a code before a sensitive action (null: he declined). */
export type StepUpPrompt = () => Promise<SecondFactor | null>;

/** A code as typed: six digits is an app's code, anything else a recovery code. */
export function secondFactorOf(typed: string): SecondFactor {
  const plain = typed.replace(/\s/g, '');
  return /^\d{6}$/.test(plain) ? { code: plain } : { recoveryCode: typed.trim() };
}

/** Refresh this long before the access token expires (at half its life when it lives under twice this). */
const REFRESH_MARGIN_MS = 60_000;
const STORAGE_KEY = 'fieldline.session';

interface Stored {
  refreshToken: string;
  tenant: Tenant;
}

/**
 * The signed-in user's credentials. The access token lives in memory only; the refresh token (which
 * works once, rotated on every refresh) is kept in sessionStorage so a reload of the tab stays signed
 * in, and is gone when the tab closes. The access token is renewed shortly before it expires, and once
 * more on a 401 (another tab, a clock skew), after which the user is signed out.
 */
export class AuthSession {
  #state: AuthState = { status: 'restoring' };
  #listeners = new Set<(state: AuthState) => void>();
  #access: string | null = null;
  #expiresAt = 0;
  #refreshToken: string | null = null;
  #tenant: Tenant | null = null;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #refreshing: Promise<string> | null = null;
  /** Set by the app: how a STEP_UP_REQUIRED answer asks the user for a code. */
  stepUpPrompt: StepUpPrompt | null = null;
  /** Set by the app: the organisation requires 2FA of this owner/admin, who has none (he may only enrol). */
  onEnrolmentRequired: (() => void) | null = null;

  constructor(private readonly storage: Storage | null = globalThis.sessionStorage ?? null) {}

  get state(): AuthState {
    return this.#state;
  }

  subscribe(listener: (state: AuthState) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Resumes the tab's session, if it has one. */
  async restore(): Promise<void> {
    const stored = this.#readStored();
    if (!stored) return this.#set({ status: 'signed-out' });
    this.#refreshToken = stored.refreshToken;
    this.#tenant = stored.tenant;
    try {
      await this.refresh();
      const user = await this.fetch<User>('/v1/users/me');
      this.#set({ status: 'signed-in', user, tenant: stored.tenant, via: 'restore' });
    } catch (err) {
      this.#clear();
      this.#set({ status: 'signed-out', reason: err instanceof ApiError && err.status === 0 ? err.message : '' });
    }
  }

  /**
   * Signs in; answers the organisations to choose from when the email has several, the challenge when a
   * second factor is needed, else null.
   */
  async login(email: string, password: string, tenantId?: string): Promise<TenantChoice | TwoFactorChallenge | null> {
    try {
      const session = await requestJson<SessionBody>('/v1/auth/login', {
        method: 'POST',
        body: { email, password, ...(tenantId ? { tenantId } : {}) },
      });
      this.#signedIn(session);
      return null;
    } catch (err) {
      if (err instanceof ApiError && err.code === 'TENANT_REQUIRED') {
        return { tenants: (err.problem.tenants as TenantChoice['tenants'] | undefined) ?? [] };
      }
      if (err instanceof ApiError && err.code === 'TWO_FACTOR_REQUIRED') {
        return { challengeToken: String(err.problem.challengeToken) };
      }
      throw err;
    }
  }

  /** Joins the organisation an invitation e-mail's link is for, with a password of one's own, and signs in. */
  async acceptInvitation(token: string, password: string, name?: string): Promise<void> {
    const session = await requestJson<SessionBody>('/v1/invitations/accept', {
      method: 'POST',
      body: { token, password, ...(name ? { name } : {}) },
    });
    this.#signedIn(session);
  }

  /** The second step of a sign-in with two-factor authentication. */
  async completeTwoFactor(challengeToken: string, factor: SecondFactor): Promise<void> {
    const session = await requestJson<SessionBody>('/v1/auth/login/two-factor', {
      method: 'POST',
      body: { challengeToken, ...factor },
    });
    this.#signedIn(session);
  }

  /** Takes a new access token of this login (after a step-up or an enrolment); the refresh token stays. */
  useAccessToken(accessToken: string, expiresIn: number): void {
    if (!this.#refreshToken) return;
    this.#accept({ accessToken, refreshToken: this.#refreshToken, tokenType: 'Bearer', expiresIn });
  }

  /** Proves the second factor again: sensitive actions are allowed for a few minutes. */
  async stepUp(factor: SecondFactor): Promise<void> {
    const answer = await this.fetch<{ accessToken: string; expiresIn: number }>('/v1/auth/step-up', {
      method: 'POST',
      body: factor,
    });
    this.useAccessToken(answer.accessToken, answer.expiresIn);
  }

  /** The organisation's settings changed (name, timezone, currency): what the screens and a reload show. */
  updateTenant(tenant: Tenant): void {
    if (this.#state.status !== 'signed-in') return;
    const next = { id: tenant.id, name: tenant.name, timezone: tenant.timezone, currency: tenant.currency };
    this.#tenant = next;
    if (this.#refreshToken) this.#writeStored({ refreshToken: this.#refreshToken, tenant: next });
    this.#set({ ...this.#state, tenant: next });
  }

  /** Ends the login on the server (best effort: offline, the tokens are dropped here all the same). */
  async logout(): Promise<void> {
    const refreshToken = this.#refreshToken;
    this.#clear();
    this.#set({ status: 'signed-out' });
    if (refreshToken) {
      await requestJson('/v1/auth/logout', { method: 'POST', body: { refreshToken } }).catch(() => {});
    }
  }

  /** A valid access token, renewed first when it is about to expire. */
  async accessToken(): Promise<string> {
    if (this.#access && Date.now() < this.#expiresAt - 5_000) return this.#access;
    return this.refresh();
  }

  /** Rotates the refresh token for a new pair; concurrent callers share one request. */
  refresh(): Promise<string> {
    this.#refreshing ??= this.#doRefresh().finally(() => {
      this.#refreshing = null;
    });
    return this.#refreshing;
  }

  /**
   * An authorized JSON call; a 401 renews the token once and retries. A sensitive action refused with
   * STEP_UP_REQUIRED asks the user for a code (`stepUpPrompt`), steps up and retries once.
   */
  async fetch<T>(path: string, options: Omit<RequestOptions, 'token'> = {}): Promise<T> {
    try {
      return await this.#fetchOnce<T>(path, options);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'TWO_FACTOR_ENROLMENT_REQUIRED') this.onEnrolmentRequired?.();
      if (!(err instanceof ApiError) || err.code !== 'STEP_UP_REQUIRED' || !this.stepUpPrompt) throw err;
      const factor = await this.stepUpPrompt();
      if (!factor) throw err;
      await this.stepUp(factor);
      return this.#fetchOnce<T>(path, options);
    }
  }

  async #fetchOnce<T>(path: string, options: Omit<RequestOptions, 'token'>): Promise<T> {
    try {
      return await requestJson<T>(path, { ...options, token: await this.accessToken() });
    } catch (err) {
      if (!(err instanceof ApiError) || err.status !== 401) throw err;
      return requestJson<T>(path, { ...options, token: await this.refresh() });
    }
  }

  async #doRefresh(): Promise<string> {
    const refreshToken = this.#refreshToken;
    if (!refreshToken) throw new ApiError(401, { status: 401, code: 'UNAUTHENTICATED', detail: 'Not signed in' });
    try {
      const pair = await requestJson<TokenPair>('/v1/auth/refresh', { method: 'POST', body: { refreshToken } });
      this.#accept(pair);
      return pair.accessToken;
    } catch (err) {
      // A refused refresh token (used, revoked, expired) ends the session; a network failure does not.
      if (err instanceof ApiError && err.status >= 400 && err.status < 500) {
        this.#clear();
        this.#set({ status: 'signed-out', reason: 'Your session ended. Please sign in again.' });
      }
      throw err;
    }
  }

  #accept(pair: TokenPair): void {
    this.#access = pair.accessToken;
    this.#refreshToken = pair.refreshToken;
    const lifetimeMs = pair.expiresIn * 1000;
    this.#expiresAt = Date.now() + lifetimeMs;
    if (this.#tenant) this.#writeStored({ refreshToken: pair.refreshToken, tenant: this.#tenant });
    clearTimeout(this.#timer);
    const renewIn = Math.max(
      5_000,
      lifetimeMs > 2 * REFRESH_MARGIN_MS ? lifetimeMs - REFRESH_MARGIN_MS : lifetimeMs / 2,
    );
    this.#timer = setTimeout(() => void this.refresh().catch(() => {}), renewIn);
  }

  #clear(): void {
    clearTimeout(this.#timer);
    this.#access = null;
    this.#refreshToken = null;
    this.#tenant = null;
    this.#expiresAt = 0;
    this.storage?.removeItem(STORAGE_KEY);
  }

  /** A new login's session (a sign-in, its second factor, or an accepted invitation) becomes the tab's. */
  #signedIn(session: SessionBody): void {
    this.#tenant = session.tenant;
    this.#accept(session);
    this.#set({ status: 'signed-in', user: session.user, tenant: session.tenant, via: 'login' });
  }

  #set(state: AuthState): void {
    this.#state = state;
    for (const listener of this.#listeners) listener(state);
  }

  #readStored(): Stored | null {
    try {
      const raw = this.storage?.getItem(STORAGE_KEY);
      return raw ? (JSON.parse(raw) as Stored) : null;
    } catch {
      return null;
    }
  }

  #writeStored(stored: Stored): void {
    try {
      this.storage?.setItem(STORAGE_KEY, JSON.stringify(stored));
    } catch {
      // Storage full or disabled: the session then lasts until the tab reloads.
    }
  }
}

/** Roles that may change things (managers and above); viewers and salesmen only look. */
export const canManage = (role: User['role']): boolean => role === 'owner' || role === 'admin' || role === 'manager';

/** Owners and admins: they set the organisation up, so they are sent to the checklist after signing in. */
export const isAdmin = (role: User['role']): boolean => role === 'owner' || role === 'admin';

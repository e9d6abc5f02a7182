import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/env';

/** The test Worker's configuration with `vars` changed (a new object: loadConfig caches per env). */
const load = (vars: Record<string, string>) => () => loadConfig({ ...env, PUBLIC_BASE_URL: undefined, ...vars } as Env);

describe('configuration', () => {
  it('refuses a production deployment whose public origin is still the local one', () => {
    expect(load({ ENVIRONMENT: 'production' })).toThrow(/PUBLIC_BASE_URL is http:\/\/localhost:8787: in production/);
    expect(load({ ENVIRONMENT: 'production', PUBLIC_BASE_URL: 'http://api.fieldline.dev' })).toThrow(
      /must be the public https origin/,
    );
    expect(load({ ENVIRONMENT: 'production', PUBLIC_BASE_URL: 'https://127.0.0.1:8443' })).toThrow(/PUBLIC_BASE_URL/);
    expect(load({ ENVIRONMENT: 'production', PUBLIC_BASE_URL: 'https://api.fieldline.dev' })()).toMatchObject({
      PUBLIC_BASE_URL: 'https://api.fieldline.dev',
    });
  });

  it('answers 503 CONFIGURATION_INVALID naming the variable, not a 500', () => {
    try {
      load({ ENVIRONMENT: 'production' })();
      expect.unreachable();
    } catch (err) {
      expect(err).toMatchObject({ code: 'CONFIGURATION_INVALID', status: 503 });
    }
  });

  it('lets development and tests keep the local origin', () => {
    expect(load({ ENVIRONMENT: 'development' })().PUBLIC_BASE_URL).toBe('http://localhost:8787');
    expect(load({ ENVIRONMENT: 'test' })().PUBLIC_BASE_URL).toBe('http://localhost:8787');
  });
});

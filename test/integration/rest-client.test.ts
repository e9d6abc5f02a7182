/**
 * The typed REST client (@fieldline/client/rest, generated from the OpenAPI document) against the
 * Worker itself: typed calls, the credential, and refusals surfacing as the API's problem+json.
 */
import { exports } from 'cloudflare:workers';
import { createRestClient, isProblem } from '@fieldline/client/rest';
import { describe, expect, it } from 'vitest';
import { createTenant } from '../helpers/factories';

const inProcess = (request: Request) => exports.default.fetch(request);

describe('typed REST client', () => {
  it('creates, reads and lists with typed bodies, and answers refusals as problems', async () => {
    const t = await createTenant();
    const api = createRestClient({ baseUrl: 'https://fieldline.test/', token: t.token, fetch: inProcess });
    const created = await api.POST('/v1/customers', { body: { name: 'Typed Ltd', city: 'Leeds' } });
    expect(created.response.status).toBe(201);
    const id = created.data?.id as string;
    const read = await api.GET('/v1/customers/{id}', { params: { path: { id } } });
    expect(read.data?.name).toBe('Typed Ltd');
    const list = await api.GET('/v1/customers', { params: { query: { limit: 10 } } });
    expect(list.data?.data.map((c) => c.id)).toEqual([id]);

    const missing = await api.GET('/v1/customers/{id}', {
      params: { path: { id: '00000000-0000-4000-8000-000000000000' } },
    });
    expect(missing.data).toBeUndefined();
    expect(isProblem(missing.error)).toBe(true);
    expect(missing.error).toMatchObject({ status: 404, code: 'NOT_FOUND' });

    const invalid = await api.POST('/v1/customers', {
      // @ts-expect-error the generated types refuse a body without its required name
      body: { city: 'Leeds' },
    });
    expect(invalid.error).toMatchObject({ status: 400, code: 'VALIDATION_FAILED' });
  });

  it('asks for the credential on each request, and goes unauthenticated without one', async () => {
    const t = await createTenant();
    let asked = 0;
    const api = createRestClient({
      baseUrl: 'https://fieldline.test',
      token: () => {
        asked++;
        return t.token;
      },
      fetch: inProcess,
    });
    await api.GET('/v1/users/me');
    await api.GET('/v1/users/me');
    expect(asked).toBe(2);
    const anonymous = createRestClient({ baseUrl: 'https://fieldline.test', fetch: inProcess });
    const refused = await anonymous.GET('/v1/users/me');
    expect(refused.error).toMatchObject({ status: 401, code: 'UNAUTHENTICATED' });
  });
});

import { describe, expect, it } from 'vitest';
import { cookieName, guardRequest, type RequestFacts } from '../../src/main/bridge/request-guard';

const config = { token: 'tok-0123456789abcdef', port: 4800 };
const good = { host: '127.0.0.1:4800', cookie: `${cookieName(4800)}=${config.token}` };

function facts(headers: Record<string, string>, method = 'POST', url = '/api/call/getCockpit'): RequestFacts {
  const parsed = new URL(url, 'http://127.0.0.1');
  return { method, path: parsed.pathname, query: parsed.searchParams, headers };
}

describe('the browser-mode request guard', () => {
  it('lets the app through with its cookie, and scripts with a bearer token', () => {
    expect(guardRequest(facts(good), config)).toEqual({ allow: true });
    expect(guardRequest(facts({ host: 'localhost:4800', authorization: `Bearer ${config.token}` }), config)).toEqual({ allow: true });
    expect(guardRequest(facts({ ...good, origin: 'http://127.0.0.1:4800', 'sec-fetch-site': 'same-origin' }), config)).toEqual({ allow: true });
  });

  it.each([
    ['no token', { host: good.host }, 401],
    ['a wrong token', { host: good.host, cookie: `${cookieName(4800)}=tok-0123456789abcdeX` }, 401],
    ['a token one character short', { host: good.host, cookie: `${cookieName(4800)}=tok-0123456789abcde` }, 401],
    ["another instance's cookie", { host: good.host, cookie: `${cookieName(4801)}=${config.token}` }, 401],
    ['a foreign Origin', { ...good, origin: 'https://evil.example.com' }, 403],
    ['a null Origin (sandboxed iframe, file page)', { ...good, origin: 'null' }, 403],
    ['an Origin on another local port', { ...good, origin: 'http://127.0.0.1:3000' }, 403],
    ['a cross-site fetch', { ...good, 'sec-fetch-site': 'cross-site' }, 403],
    ['a same-site fetch from another port', { ...good, 'sec-fetch-site': 'same-site' }, 403],
    ['a rebinding Host', { ...good, host: 'evil.example.com:4800' }, 421],
    ['a Host on another port', { ...good, host: '127.0.0.1:4801' }, 421],
    ['no Host', { cookie: good.cookie }, 421],
  ])('refuses a request with %s', (_name, headers, status) => {
    const verdict = guardRequest(facts(headers as Record<string, string>), config);
    expect(verdict).toMatchObject({ allow: false, status });
  });

  it('turns the launch URL into a cookie, only for GET / with the right token', () => {
    expect(guardRequest(facts({ host: good.host }, 'GET', `/?token=${config.token}`), config)).toEqual({ allow: 'launch' });
    expect(guardRequest(facts({ host: good.host }, 'GET', '/?token=wrong'), config)).toMatchObject({ allow: false, status: 401 });
    expect(guardRequest(facts({ host: good.host }, 'POST', `/?token=${config.token}`), config)).toMatchObject({ allow: false, status: 401 });
    expect(guardRequest(facts({ host: good.host }, 'GET', `/api/events?token=${config.token}`), config)).toMatchObject({ allow: false, status: 401 });
  });
});

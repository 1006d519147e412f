import { describe, expect, it } from 'vitest';
import { CookieJar } from './cookie-jar.js';
import { GateError, serverMessage } from './gate-error.js';

describe('serverMessage', () => {
  it("takes Spring's message, Front50's errors, or the text", () => {
    const stale =
      'The submitted pipeline is stale.  submitted updateTs 1662644108666 does not match stored updateTs 1772644108777';
    expect(serverMessage('Bad Request', JSON.stringify({ status: 400, error: 'Bad Request', message: stale }))).toBe(
      `Bad Request: ${stale}`,
    );
    expect(serverMessage('Bad Request', JSON.stringify({ errors: ['one', 'two'] }))).toBe('Bad Request: one; two');
    expect(serverMessage('Bad Gateway', '<html><body><h1>502 Bad Gateway</h1></body></html>')).toBe(
      'Bad Gateway: 502 Bad Gateway',
    );
    expect(serverMessage('Not Found', '')).toBe('Not Found');
  });

  it('names the call and the status in one line', () => {
    expect(new GateError('GET /version', 401, 'Unauthorized: Full authentication is required').message).toBe(
      'Gate GET /version: 401 Unauthorized: Full authentication is required',
    );
    expect(new GateError('GET /version', 0, 'no answer from https://gate: connect ECONNREFUSED').message).toBe(
      'Gate GET /version: no answer from https://gate: connect ECONNREFUSED',
    );
  });
});

describe('CookieJar', () => {
  it("keeps Gate's SESSION cookie and drops it when the server expires it", () => {
    const jar = new CookieJar();
    expect(jar.header()).toBeUndefined();
    jar.update(new Headers([['set-cookie', 'SESSION=abc123; Path=/; HttpOnly; SameSite=Lax']]));
    jar.update(new Headers([['set-cookie', 'XSRF-TOKEN=x; Path=/']]));
    expect(jar.header()).toBe('SESSION=abc123; XSRF-TOKEN=x');
    jar.update(new Headers([['set-cookie', 'SESSION=; Max-Age=0; Path=/']]));
    expect(jar.header()).toBe('XSRF-TOKEN=x');
  });
});

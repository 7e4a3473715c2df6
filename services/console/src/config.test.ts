import { DEFAULT_PAGE_SIZE, readConfig } from './config';

describe('readConfig', () => {
  it('readConfig - the gateway is the page origin by default', () => {
    expect(readConfig({ origin: 'https://chat.example', search: '' })).toEqual({
      gatewayUrl: 'https://chat.example',
      pageSize: DEFAULT_PAGE_SIZE,
    });
  });

  it('readConfig - ?gateway= overrides it with an http(s) URL only', () => {
    const origin = 'http://localhost:5173';
    expect(readConfig({ origin, search: '?gateway=http://127.0.0.1:8080/' }).gatewayUrl).toBe(
      'http://127.0.0.1:8080',
    );
    expect(readConfig({ origin, search: '?gateway=javascript:alert(1)' }).gatewayUrl).toBe(origin);
    expect(readConfig({ origin, search: '?gateway=not a url' }).gatewayUrl).toBe(origin);
  });

  it('readConfig - ?pageSize= is clamped, junk falls back to the default', () => {
    const origin = 'http://x';
    expect(readConfig({ origin, search: '?pageSize=8' }).pageSize).toBe(8);
    expect(readConfig({ origin, search: '?pageSize=1' }).pageSize).toBe(5);
    expect(readConfig({ origin, search: '?pageSize=9999' }).pageSize).toBe(200);
    expect(readConfig({ origin, search: '?pageSize=abc' }).pageSize).toBe(DEFAULT_PAGE_SIZE);
  });
});

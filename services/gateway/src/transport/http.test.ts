import { ErrorCode } from '@switchboard/proto';
import { SwitchboardError } from '@switchboard/shared';
import { HttpProblem, PendingResponse, routeParamNames, routeParams, toProblem } from './http';
import { FakeResponse } from './testing/fake-http';

describe('http', () => {
  it('routeParamNames - the :name segments of a pattern, in order', () => {
    expect(routeParamNames('/v1/agent/conversations')).toEqual([]);
    expect(routeParamNames('/v1/agent/canned-replies/:id')).toEqual(['id']);
    expect(routeParamNames('/v1/:tenant/x/:id')).toEqual(['tenant', 'id']);
  });

  it('routeParams - by name, percent-decoded; bad encoding stays raw; missing values are empty', () => {
    expect(routeParams(['id'], ['c%2D1'])).toEqual({ id: 'c-1' });
    expect(routeParams(['id'], ['%E0%A4%A'])).toEqual({ id: '%E0%A4%A' });
    expect(routeParams(['a', 'b'], ['x'])).toEqual({ a: 'x', b: '' });
  });

  it('PendingResponse - CORS allows every method of the REST API and the authorization header', () => {
    const res = new FakeResponse();
    new PendingResponse(res, true).json(200, { ok: true });
    expect(res.status).toBe('200 OK');
    expect(res.headers.get('access-control-allow-methods')).toBe('GET, POST, PUT, DELETE, OPTIONS');
    expect(res.headers.get('access-control-allow-headers')).toBe('content-type, authorization');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body).toBe('{"ok":true}');
  });

  it('PendingResponse - answers once; nothing after the client went away', () => {
    const res = new FakeResponse();
    const pending = new PendingResponse(res, false);
    pending.noContent();
    expect(res.status).toBe('204 No Content');
    pending.json(200, {});
    expect(res.status).toBe('204 No Content');
    const gone = new FakeResponse();
    const p2 = new PendingResponse(gone, false);
    gone.abort();
    p2.json(200, {});
    expect(gone.body).toBeUndefined();
  });

  it('PendingResponse - a 401 names the Bearer scheme', () => {
    const res = new FakeResponse();
    new PendingResponse(res, false).problem(new SwitchboardError(ErrorCode.ERROR_CODE_UNAUTHENTICATED, 'no'));
    expect(res.statusCode).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
  });

  it('toProblem - typed errors keep their status and code; internal ones hide their message', () => {
    expect(toProblem(new SwitchboardError(ErrorCode.ERROR_CODE_FORBIDDEN, 'not yours')).body).toMatchObject({
      status: 403,
      code: 'ERROR_CODE_FORBIDDEN',
      detail: 'not yours',
      type: 'https://switchboard.dev/problems/forbidden',
    });
    expect(toProblem(new HttpProblem(413, ErrorCode.ERROR_CODE_INVALID_ARGUMENT, 'big')).status).toBe(413);
    expect(toProblem(new Error('secret')).body).toMatchObject({ status: 500, detail: 'internal error' });
  });
});

import { connect } from 'net';
import { startTestService, TestService } from '@ecom/testing';
import { EDGE_SERVICE, EdgeTestModule, postJsonText } from './edge.fixture';

/** One raw HTTP/1.1 exchange: what fetch refuses to send (a NUL in a header). */
function rawRequest(baseUrl: string, text: string): Promise<string> {
  const url = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname, () => socket.write(text));
    let answer = '';
    socket.on('data', (chunk) => (answer += chunk.toString()));
    socket.on('end', () => resolve(answer));
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
  });
}

/**
 * Item 3 of issue 12: a NUL or an unpaired surrogate anywhere the apps read a string is 400 naming
 * where (PostgreSQL refused them with a 500). The body is checked by the JSON parser, path and query
 * by a hook, headers by Node itself.
 */
describe('NUL characters and unpaired surrogates', () => {
  let service: TestService;

  beforeAll(async () => {
    service = await startTestService(EdgeTestModule, EDGE_SERVICE);
  });

  afterAll(async () => {
    await service?.close();
  });

  const postText = (text: string) => postJsonText(service.baseUrl, text);

  it('rejects them in a path parameter', async () => {
    for (const id of ['%00', 'a%00b']) {
      const response = await service.http(`/v1/edge/items/${id}`);
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({ statusCode: 400, error: 'Bad Request' });
      expect(response.body.message).toBe(
        'path parameter id must not contain NUL characters or unpaired surrogates',
      );
    }
    // Invalid UTF-8 (an encoded surrogate) is refused by the router too.
    expect((await service.http('/v1/edge/items/%ED%A0%80')).status).toBe(400);
  });

  it('rejects them in a query value and a query name', async () => {
    const value = await service.http('/v1/edge/items/1?q=a%00');
    expect(value.status).toBe(400);
    expect(value.body.message).toContain('query parameter q must not contain');

    const name = await service.http('/v1/edge/items/1?%00=1');
    expect(name.status).toBe(400);
    expect(name.body.message).toContain('a query parameter name');

    // Invalid UTF-8 in a query value stays as it was sent: no surrogate comes out of it.
    const raw = await service.http('/v1/edge/items/1?q=%ED%A0%80');
    expect(raw.status).toBe(200);
    expect(raw.body.q).toBe('%ED%A0%80');
  });

  it('rejects them in a body, naming the field', async () => {
    const nul = await service.http('/v1/edge/bodies', { body: { visitorId: 'a\u0000b' } });
    expect(nul.status).toBe(400);
    expect(nul.body.message).toBe('visitorId must not contain NUL characters or unpaired surrogates');

    const lone = await postText('{"visitorId":"v","shippingAddress":{"postalCode":"12\\ud800"}}');
    expect(lone.status).toBe(400);
    expect(lone.body.message).toContain('shippingAddress.postalCode must not contain');

    const lowAlone = await postText('{"visitorId":"v","tags":["ok","\\udc00x"]}');
    expect(lowAlone.status).toBe(400);
    expect(lowAlone.body.message).toContain('tags.1 must not contain');

    const key = await postText('{"visitorId":"v","a\\u0000b":1}');
    expect(key.status).toBe(400);
    expect(key.body.message).toContain('a key of the body must not contain');
  });

  it('takes surrogate pairs, escaped or not, and an escaped backslash before u0000', async () => {
    const pair = await postText('{"visitorId":"v\\ud83d\\ude00","tags":["😀","\\\\u0000"]}');
    expect(pair.status).toBe(201);
    expect(pair.body).toEqual({ visitorId: 'v😀', tags: ['😀', '\\u0000'] });
    const path = await service.http(
      `/v1/edge/items/${encodeURIComponent('😀')}?q=${encodeURIComponent('é😀')}`,
    );
    expect(path.status).toBe(200);
    expect(path.body).toEqual({ id: '😀', q: 'é😀' });
  });

  it('refuses a NUL in a header value before any route runs', async () => {
    const answer = await rawRequest(
      service.baseUrl,
      'GET /v1/edge/items/1 HTTP/1.1\r\nHost: x\r\nIdempotency-Key: a\0b\r\nConnection: close\r\n\r\n',
    );
    expect(answer).toMatch(/^HTTP\/1\.1 400 /);
  });
});

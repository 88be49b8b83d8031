import { PayloadTooLargeException, UnsupportedMediaTypeException } from '@nestjs/common';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ImportSettings } from '../../config/orders.settings';

export const NDJSON_CONTENT_TYPE = 'application/x-ndjson';
/** The one route that takes JSON lines (with the service's /v1 prefix). */
export const IMPORT_ORDERS_ROUTE = '/v1/imports/orders';

const NEWLINE = 0x0a;

function tooLarge(limits: Pick<ImportSettings, 'maxBodyBytes' | 'maxLines'>, what: string) {
  return new PayloadTooLargeException(
    `The import body is too large (${what}): one request takes at most ${limits.maxLines} lines and ` +
      `${limits.maxBodyBytes} bytes. Split the file into smaller requests, or use the CLI, which ` +
      'sends a file of any size in batches: npm run import -- FILE',
  );
}

/**
 * The body parser of POST /v1/imports/orders: `application/x-ndjson`, kept as raw bytes (a Buffer)
 * for the route to split and validate line by line. Its own bounds (IMPORT_MAX_BODY_BYTES,
 * IMPORT_MAX_LINES) replace the 1 MB JSON limit and are enforced while the body arrives: the answer
 * is 413 as soon as one is passed, without reading the rest. Every other route refuses this
 * content type with 415, as before. NUL characters and unpaired surrogates are checked per line by
 * the import's validator (the JSON parser of the platform does it for JSON bodies).
 */
export function registerNdjsonBodyParser(
  fastify: FastifyInstance,
  limits: ImportSettings,
  authorize: EarlyAuthorization,
): void {
  fastify.addContentTypeParser(
    NDJSON_CONTENT_TYPE,
    (
      request: FastifyRequest,
      payload: NodeJS.ReadableStream,
      done: (error: Error | null, body?: Buffer) => void,
    ) => {
      if (request.routeOptions.url !== IMPORT_ORDERS_ROUTE) {
        done(
          new UnsupportedMediaTypeException(
            `${NDJSON_CONTENT_TYPE} is only taken by POST ${IMPORT_ORDERS_ROUTE}`,
          ),
        );
        return;
      }
      const declared = Number(request.headers['content-length']);
      if (declared > limits.maxBodyBytes) {
        done(tooLarge(limits, `${declared} bytes`));
        return;
      }
      authorize(request.headers.authorization).then(
        (refusal) => (refusal ? done(refusal) : readBody(payload, limits, done)),
        (error: Error) => done(error),
      );
    },
  );
}

/**
 * Refuses a caller before the body is read (an Error to answer with), or lets it through (null): a
 * body of megabytes is buffered only for a caller whose token can import. The route's guard still
 * checks everything (revocation included) afterwards.
 */
export type EarlyAuthorization = (authorization: string | undefined) => Promise<Error | null>;

function readBody(
  payload: NodeJS.ReadableStream,
  limits: ImportSettings,
  done: (error: Error | null, body?: Buffer) => void,
): void {
  const chunks: Buffer[] = [];
  let bytes = 0;
  let breaks = 0;
  let finished = false;
  const finish = (error: Error | null, body?: Buffer) => {
    if (finished) return;
    finished = true;
    payload.removeListener('data', onData);
    payload.removeListener('end', onEnd);
    payload.removeListener('error', onError);
    done(error, body);
  };
  const onData = (chunk: Buffer) => {
    bytes += chunk.length;
    if (bytes > limits.maxBodyBytes)
      return finish(tooLarge(limits, `more than ${limits.maxBodyBytes} bytes`));
    for (let at = chunk.indexOf(NEWLINE); at !== -1; at = chunk.indexOf(NEWLINE, at + 1)) breaks++;
    // More line breaks than lines allowed: the body holds more lines, whatever follows.
    if (breaks > limits.maxLines) return finish(tooLarge(limits, `more than ${limits.maxLines} lines`));
    chunks.push(chunk);
  };
  const onEnd = () => {
    const body = Buffer.concat(chunks, bytes);
    const lastLine = body.length > 0 && body[body.length - 1] !== NEWLINE ? 1 : 0;
    if (breaks + lastLine > limits.maxLines)
      return finish(tooLarge(limits, `more than ${limits.maxLines} lines`));
    finish(null, body);
  };
  const onError = (error: Error) => finish(error);
  payload.on('data', onData);
  payload.on('end', onEnd);
  payload.on('error', onError);
}

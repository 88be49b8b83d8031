import { BadRequestException, HttpException } from '@nestjs/common';
import { statusName, toErrorBody } from './domain-error.filter';

describe('toErrorBody', () => {
  it('names the status of an HttpException made from a bare message (Fastify errors), not its class', () => {
    expect(toErrorBody(new HttpException('Body is not valid JSON', 400))).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      message: 'Body is not valid JSON',
    });
    expect(toErrorBody(new HttpException('Unsupported Media Type: text/plain', 415)).error).toBe(
      'Unsupported Media Type',
    );
    expect(toErrorBody(new HttpException({ message: 'x' }, 413)).error).toBe('Payload Too Large');
    expect(toErrorBody(new BadRequestException(['a must be a string'])).error).toBe('Bad Request');
  });

  it('keeps a client-error status an unmapped server error carries, and hides everything else', () => {
    const aborted = Object.assign(new Error('aborted'), { statusCode: 400, code: 'ECONNRESET' });
    expect(toErrorBody(aborted)).toEqual({ statusCode: 400, error: 'Bad Request', message: 'aborted' });
    const internal = Object.assign(new Error('secret detail'), { statusCode: 503 });
    expect(toErrorBody(internal)).toEqual({
      statusCode: 500,
      error: 'Internal Server Error',
      message: 'internal error',
    });
  });

  it('spells status names as reason phrases', () => {
    expect(statusName(404)).toBe('Not Found');
    expect(statusName(429)).toBe('Too Many Requests');
    expect(statusName(599)).toBe('Error');
  });
});

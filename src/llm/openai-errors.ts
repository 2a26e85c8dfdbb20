/** Maps whatever the openai SDK throws to an `LlmError` whose kind decides retrying. */
import { createRequire } from 'node:module';
import type * as OpenAIErrors from 'openai/error';

// The SDK's error classes from its CommonJS build, the same module the client is loaded from (openai-provider.ts),
// so `instanceof` holds; importing them from 'openai' would also load the whole SDK (~120 ms) for nothing.
const { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } = createRequire(import.meta.url)('openai/error') as typeof OpenAIErrors;
import { parseRetryAfterMs } from './retry-after.js';
import type { Redactor } from './redact.js';
import { LlmError } from './types.js';

/** `redact` takes the target's secrets out of the message: an error body may echo the request's headers. */
export function toLlmError(err: unknown, model: string, redact: Redactor = (text) => text): LlmError {
  const error = classify(err, model);
  error.message = redact(error.message);
  return error;
}

function classify(err: unknown, model: string): LlmError {
  if (err instanceof LlmError) return err;
  if (err instanceof APIUserAbortError) return new LlmError('aborted', 'The request was aborted.', { cause: err });
  if (err instanceof APIConnectionTimeoutError) {
    return new LlmError('timeout', `No answer from the endpoint in time (model ${model}).`, { cause: err });
  }
  if (err instanceof APIConnectionError) {
    const cause = (err as { cause?: { cause?: { code?: string; message?: string }; message?: string } }).cause;
    const detail = cause?.cause?.code ?? cause?.cause?.message ?? cause?.message ?? err.message;
    return new LlmError('connection', `Could not reach the endpoint: ${detail}`, { cause: err });
  }
  if (err instanceof APIError) return fromStatus(err, model);
  if (err instanceof SyntaxError) {
    return new LlmError('invalid_response', `The endpoint answered with a body that is not valid JSON: ${err.message}`, { cause: err });
  }
  if (err instanceof TypeError && /terminated|socket|other side closed|ECONNRESET/i.test(`${err.message} ${String(err.cause ?? '')}`)) {
    return new LlmError('connection', `The connection broke while reading the answer: ${err.message}`, { cause: err });
  }
  const message = err instanceof Error ? err.message : String(err);
  return new LlmError('invalid_response', `Unexpected error from the openai client: ${message}`, { cause: err });
}

function fromStatus(err: OpenAIErrors.APIError, model: string): LlmError {
  const status = err.status;
  const message = err.message || `HTTP ${status}`;
  const code = (err.code ?? (err.error as { code?: string } | undefined)?.code) as string | undefined;
  if (status === undefined) return new LlmError('invalid_response', message, { cause: err });
  if (status === 429) {
    if (code === 'insufficient_quota') {
      // Retrying cannot help: the account is out of credit.
      return new LlmError('auth', `The account has no quota left: ${message}`, { status, cause: err });
    }
    return new LlmError('rate_limit', message, { status, retryAfterMs: parseRetryAfterMs(err.headers), cause: err });
  }
  if (status === 401 || status === 403) {
    return new LlmError('auth', `The endpoint refused the credentials (${status}): ${message}`, { status, cause: err });
  }
  if (status === 408) return new LlmError('timeout', message, { status, cause: err });
  if (status === 409 || status >= 500) {
    return new LlmError('server', message, { status, retryAfterMs: parseRetryAfterMs(err.headers), cause: err });
  }
  if (status === 404) return new LlmError('bad_request', `Not found (is the model "${model}" available there?): ${message}`, { status, cause: err });
  if (status >= 300 && status < 400) {
    return new LlmError('bad_request', `The endpoint redirected (${status}); check base_url: ${message}`, { status, cause: err });
  }
  return new LlmError('bad_request', message, { status, cause: err });
}

/**
 * What `undici` throws, turned into the openai SDK's own error classes (built the way the SDK builds them),
 * so openai-errors.ts classifies a direct-transport failure exactly like the same failure on the SDK path.
 */
import { createRequire } from 'node:module';
import type * as OpenAIErrors from 'openai/error';

// The SDK's error classes from its CommonJS build, the same module the client is loaded from (openai-provider.ts),
// so `instanceof` holds; importing them from 'openai' would also load the whole SDK (~120 ms) for nothing.
const { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } = createRequire(import.meta.url)('openai/error') as typeof OpenAIErrors;

/** Who stopped a request before its answer was complete: its timeoutMs, or the caller's AbortSignal. */
export type StoppedBy = 'deadline' | 'caller';

const TIMEOUT_CODES = new Set(['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/** undici's codes for a socket that failed or an answer that is not valid HTTP. */
const CONNECTION_CODES = new Set([
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_DESTROYED',
  'UND_ERR_INFO',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
  'UND_ERR_HEADERS_OVERFLOW',
]);

/**
 * The SDK error for a request that got no complete answer. An abort is reported as what stopped it.
 * Errors that say nothing about the network are returned as they are (they are bugs, and toLlmError
 * reports them as such).
 */
export function toSdkTransportError(err: unknown, stoppedBy: StoppedBy | undefined): unknown {
  if (stoppedBy === 'deadline') return new APIConnectionTimeoutError();
  if (stoppedBy === 'caller') return new APIUserAbortError();
  const code = typeof (err as { code?: unknown })?.code === 'string' ? ((err as { code: string }).code) : '';
  if (TIMEOUT_CODES.has(code)) return new APIConnectionTimeoutError();
  if (CONNECTION_CODES.has(code) || isParserError(err) || isSystemError(err)) {
    return new APIConnectionError({ message: `Connection error: ${(err as Error).message || code}`, cause: err as Error });
  }
  if (code === 'UND_ERR_ABORTED' || (err as Error)?.name === 'AbortError') return new APIUserAbortError();
  return err;
}

/** The answer is not HTTP/1.1 (llhttp's codes start with HPE_, but undici does not always set one). */
function isParserError(err: unknown): boolean {
  const e = err as { name?: unknown; code?: unknown };
  return e?.name === 'HTTPParserError' || (typeof e?.code === 'string' && e.code.startsWith('HPE_'));
}

/** ECONNREFUSED, ECONNRESET, ENOTFOUND, EPIPE, ... from node:net or node:dns. */
function isSystemError(err: unknown): boolean {
  const e = err as { code?: unknown; syscall?: unknown; errno?: unknown };
  return typeof e?.code === 'string' && /^E[A-Z]+$/.test(e.code) && (e.syscall !== undefined || e.errno !== undefined);
}

/** The SDK's error for a non-2xx answer; `body` is the raw text (an error object when it is JSON). */
export function statusError(status: number, body: string, rawHeaders: Record<string, string | string[] | undefined>): OpenAIErrors.APIError {
  let json: object | undefined;
  try {
    const parsed: unknown = JSON.parse(body);
    json = parsed && typeof parsed === 'object' ? parsed : undefined;
  } catch {
    json = undefined;
  }
  return APIError.generate(status, json, json ? undefined : body, toHeaders(rawHeaders));
}

function toHeaders(raw: Record<string, string | string[] | undefined>): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(raw)) {
    if (Array.isArray(value)) for (const v of value) headers.append(name, v);
    else if (value !== undefined) headers.set(name, value);
  }
  return headers;
}

/**
 * The OpenAI wire protocol (JSON POSTs, bearer auth) over our keep-alive HTTP/1.1 client, for plain-http
 * endpoints where per-call CPU decides throughput. It throws the openai SDK's own error classes, built the
 * way the SDK builds them, so errors are classified exactly as on the SDK path.
 */
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { Http1Client, Http1ConnectionError, Http1TimeoutError, renderHeaderLines } from './http1-client.js';
import { LightHeaders } from './http1-fetch.js';

export interface DirectTransportOptions {
  /** http://host:port/prefix (as OPENAI_BASE_URL). */
  baseURL: string;
  /** Sent as a bearer token; undefined sends no Authorization header (e.g. Azure's api-key header instead). */
  apiKey: string | undefined;
  headers?: Record<string, string>;
  organization?: string;
  project?: string;
  maxSocketsPerOrigin?: number;
}

export interface DirectCallOptions {
  timeoutMs: number;
  signal?: AbortSignal;
}

export class DirectOpenAITransport {
  private readonly client: Http1Client;
  private readonly hostname: string;
  private readonly port: number;
  private readonly prefix: string;
  private readonly search: string;
  private readonly headerLines: string;

  constructor(options: DirectTransportOptions) {
    const url = new URL(options.baseURL);
    if (url.protocol !== 'http:') throw new Error(`The direct transport speaks plain http only, not ${url.protocol} (${options.baseURL}).`);
    this.hostname = url.hostname.replace(/^\[|\]$/g, '');
    this.port = Number(url.port || 80);
    this.prefix = url.pathname.replace(/\/+$/, '');
    this.search = url.search;
    const headers = new Map<string, string>([
      ['accept', 'application/json'],
      ['content-type', 'application/json'],
      ['user-agent', 'loom (openai-compatible)'],
    ]);
    if (options.apiKey !== undefined) headers.set('authorization', `Bearer ${options.apiKey}`);
    if (options.organization) headers.set('openai-organization', options.organization);
    if (options.project) headers.set('openai-project', options.project);
    for (const [k, v] of Object.entries(options.headers ?? {})) headers.set(k.toLowerCase(), v);
    this.headerLines = renderHeaderLines(headers);
    this.client = new Http1Client({ maxSocketsPerOrigin: options.maxSocketsPerOrigin });
  }

  /** POSTs `body` as JSON to `<base>/<path>` and returns the parsed answer (text when it is not JSON). */
  async post(path: string, body: unknown, options: DirectCallOptions): Promise<unknown> {
    let response;
    try {
      response = await this.client.request(this.hostname, this.port, {
        method: 'POST',
        path: this.prefix + path + this.search,
        headerLines: this.headerLines,
        body: JSON.stringify(body),
        signal: options.signal,
        timeoutMs: options.timeoutMs,
      });
    } catch (err) {
      if (err instanceof Http1TimeoutError) throw new APIConnectionTimeoutError();
      if (err instanceof Http1ConnectionError) throw new APIConnectionError({ message: `Connection error: ${err.message}`, cause: err });
      if ((err as Error)?.name === 'AbortError') throw new APIUserAbortError();
      throw err;
    }
    const text = response.body.toString('utf8');
    const headers = new LightHeaders(response.headers) as unknown as Headers;
    if (response.status < 200 || response.status >= 300) {
      let errJSON: unknown;
      try {
        errJSON = JSON.parse(text);
      } catch {
        errJSON = undefined;
      }
      throw APIError.generate(response.status, errJSON as object | undefined, errJSON ? undefined : text, headers);
    }
    const type = response.headers['content-type'] ?? '';
    if (type.includes('application/json') || type.split(';')[0]!.trim().endsWith('+json')) {
      return JSON.parse(text);
    }
    return text;
  }

  close(): void {
    this.client.close();
  }
}

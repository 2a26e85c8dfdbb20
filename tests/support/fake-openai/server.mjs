// A local OpenAI-compatible HTTP server for tests and benchmarks: speaks the real wire protocol (so the
// real `openai` client can be driven against it), answers deterministically, and injects faults on demand.
// Plain JS so the standalone CLI runs without a TypeScript step; types live in server.d.mts.
import http from 'node:http';

const FAULTS = new Set([
  'rate_limit',
  'server_error',
  'bad_gateway',
  'unavailable',
  'hang',
  'reset',
  'malformed_body',
  'invalid_json_content',
  'schema_invalid_content',
  'empty_choices',
  'unauthorized',
  'unauthorized_echo',
  'forbidden',
  'bad_request',
  'model_not_found',
]);

const DEFAULT_MODELS = ['gpt-4o-mini', 'gpt-4o', 'gpt-4.1-mini', 'text-embedding-3-small'];

/** mulberry32, as in src/llm/answer-seed.ts */
function seededRandom(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function estimateTokens(text) {
  return Math.max(1, Math.ceil(text.length / 4));
}

function errorBody(message, type, code, param = null) {
  return JSON.stringify({ error: { message, type, param, code } });
}

function validateFault(name, where) {
  if (name != null && !FAULTS.has(name)) {
    throw new Error(`Unknown fault "${name}" in ${where}. Accepted: ${[...FAULTS].join(', ')}`);
  }
}

function checkOptions(options) {
  if (options.failFault) validateFault(options.failFault, 'failFault');
  for (const name of Object.keys(options.faultRates ?? {})) validateFault(name, 'faultRates');
  for (const name of Object.values(options.modelFaults ?? {})) validateFault(name, 'modelFaults');
}

/**
 * @param {import('./server.d.mts').FakeOpenAIServerOptions} initialOptions
 * @returns {Promise<import('./server.d.mts').FakeOpenAI>}
 */
export async function startFakeOpenAIServer(initialOptions) {
  if (!initialOptions?.generator) throw new Error('startFakeOpenAIServer needs options.generator');
  let options = { ...initialOptions };
  checkOptions(options);
  let faultRandom = seededRandom(options.seed ?? 1);
  let latencyRandom = seededRandom((options.seed ?? 1) ^ 0x5bd1e995);
  let failRequests = new Set(options.failRequests ?? []);

  let stats;
  let apiRequestNumber = 0;
  function resetStats() {
    stats = {
      total: 0,
      byPath: {},
      byModel: {},
      byStatus: {},
      faults: {},
      inFlight: 0,
      maxInFlight: 0,
      bodies: [],
      // Wall-clock ms (Date.now()) of the first API request's arrival and of the last API reply sent, so a
      // benchmark can split a client's time into start-up, requests and shutdown.
      firstApiArrivalAt: null,
      lastApiReplyAt: null,
      // Sum over API requests of the ms from a request's arrival to its reply, and of how late each reply went
      // out after its due time: with the span above they give the mean number of requests held, and this
      // server's own share of any slowness.
      apiHeldMs: 0,
      apiLateMs: 0,
    };
    apiRequestNumber = 0;
  }
  resetStats();

  const hanging = new Set();
  const sockets = new Set();

  function latency() {
    const l = options.latencyMs;
    if (l == null) return 0;
    if (typeof l === 'number') return l;
    return l.min + Math.floor(latencyRandom() * (l.max - l.min + 1));
  }

  function chooseFault(ctx) {
    if (options.faultFor) {
      const f = options.faultFor(ctx);
      if (f !== undefined) {
        validateFault(f, 'faultFor');
        return f;
      }
    }
    const failFault = options.failFault ?? 'server_error';
    if (failRequests.has(ctx.requestNumber)) return failFault;
    if (options.failFirst && ctx.requestNumber <= options.failFirst) return failFault;
    const byModel = options.modelFaults?.[ctx.model];
    if (byModel) return byModel;
    if (options.faultRates) {
      const r = faultRandom();
      let acc = 0;
      for (const [name, p] of Object.entries(options.faultRates)) {
        acc += p;
        if (r < acc) return name;
      }
    }
    return null;
  }

  /** Runs `fn` when the reply is due: answers are computed on arrival and only sent after the latency. */
  function deliver(out, fn) {
    const ms = out.deadline - performance.now();
    if (ms >= 1) setTimeout(fn, ms);
    else fn();
  }

  function send(out, status, body, headers) {
    const h = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
    if (headers) Object.assign(h, headers);
    deliver(out, () => {
      stats.byStatus[status] = (stats.byStatus[status] ?? 0) + 1;
      if (out.api) {
        stats.lastApiReplyAt = Date.now();
        const now = performance.now();
        stats.apiHeldMs += now - out.arrived;
        stats.apiLateMs += Math.max(0, now - out.deadline);
      }
      out.res.writeHead(status, h);
      out.res.end(body);
    });
  }

  function message(fault, fallback) {
    return options.errorMessages?.[fault] ?? fallback;
  }

  function sendFault(out, fault, ctx) {
    stats.faults[fault] = (stats.faults[fault] ?? 0) + 1;
    switch (fault) {
      case 'rate_limit': {
        const headers = {};
        if (options.retryAfterMs != null) headers['retry-after-ms'] = String(options.retryAfterMs);
        if (options.retryAfterSeconds != null) headers['retry-after'] = String(options.retryAfterSeconds);
        return send(out, 429, errorBody(message(fault, 'Rate limit reached for requests (fake).'), 'requests', 'rate_limit_exceeded'), headers);
      }
      case 'server_error':
        return send(out, 500, errorBody(message(fault, 'The server had an error while processing your request (fake).'), 'server_error', null));
      case 'bad_gateway':
        return send(out, 502, errorBody(message(fault, 'Bad gateway (fake).'), 'server_error', null));
      case 'unavailable':
        return send(out, 503, errorBody(message(fault, 'The engine is currently overloaded (fake).'), 'server_error', null));
      case 'unauthorized':
        return send(out, 401, errorBody(message(fault, 'Incorrect API key provided (fake).'), 'invalid_request_error', 'invalid_api_key'));
      case 'unauthorized_echo': {
        // Some gateways echo the request, headers and all, in their error body.
        const echoed = Object.entries(ctx.headers).map(([name, value]) => `${name}: ${value}`).join('; ');
        return send(out, 401, errorBody(`Unauthorized. Request headers were: ${echoed}`, 'invalid_request_error', 'invalid_api_key'));
      }
      case 'forbidden':
        return send(out, 403, errorBody(message(fault, 'You are not allowed to use this model (fake).'), 'invalid_request_error', 'model_not_allowed'));
      case 'bad_request':
        return send(out, 400, errorBody(message(fault, 'Invalid request (fake).'), 'invalid_request_error', null));
      case 'model_not_found':
        return send(
          out,
          404,
          errorBody(message(fault, `The model \`${ctx.model}\` does not exist or you do not have access to it.`), 'invalid_request_error', 'model_not_found'),
        );
      case 'hang':
        hanging.add(out.res);
        out.res.on('close', () => hanging.delete(out.res));
        return;
      case 'reset':
        return deliver(out, () => {
          stats.byStatus.reset = (stats.byStatus.reset ?? 0) + 1;
          out.res.socket?.destroy();
        });
      case 'malformed_body':
        return send(out, 200, '{"id":"chatcmpl-broken","object":"chat.completion","choices":[{"index":0,"message":{"role":"assi');
      default:
        return null; // content faults are handled by the chat handler
    }
  }

  function corrupt(answer, schema) {
    if (answer && typeof answer === 'object' && !Array.isArray(answer)) {
      const copy = { ...answer };
      const required = Array.isArray(schema?.required) ? schema.required : [];
      if (required.length > 0) {
        delete copy[required[0]];
        return copy;
      }
      const first = Object.keys(copy)[0];
      if (first !== undefined) {
        copy[first] = typeof copy[first] === 'number' ? 'not a number' : 12345;
        return copy;
      }
      return 'not an object';
    }
    return typeof answer === 'number' ? 'not a number' : { unexpected: true };
  }

  function defaultContent(body, fault) {
    const g = options.generator;
    const seed = g.seedFromMessages(body.messages);
    const rf = body.response_format;
    let schema = null;
    if (rf && rf.type === 'json_schema') schema = rf.json_schema?.schema ?? {};
    else if (rf && rf.type === 'json_object') schema = options.jsonObjectSchema ?? { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'] };
    if (fault === 'invalid_json_content') return 'Sure! Here is the answer you asked for: {"sentiment": positive, ';
    if (!schema) return g.answerText(seed);
    const answer = g.answerForSchema(schema, seed);
    return JSON.stringify(fault === 'schema_invalid_content' ? corrupt(answer, schema) : answer);
  }

  function completion(body, content, requestNumber, finishReason = 'stop') {
    let promptChars = 0;
    for (const m of body.messages) promptChars += typeof m.content === 'string' ? m.content.length : 16;
    const promptTokens = Math.max(1, Math.ceil(promptChars / 4));
    const completionTokens = estimateTokens(content);
    const cached = options.cachedTokensRatio ? Math.floor(promptTokens * options.cachedTokensRatio) : 0;
    return {
      id: `chatcmpl-fake-${requestNumber}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: options.answerModel ?? body.model,
      choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, logprobs: null, finish_reason: finishReason }],
      usage: {
        prompt_tokens: promptTokens,
        completion_tokens: completionTokens,
        total_tokens: promptTokens + completionTokens,
        prompt_tokens_details: { cached_tokens: cached },
        completion_tokens_details: { reasoning_tokens: 0 },
      },
      system_fingerprint: 'fp_fake',
    };
  }

  async function handleChat(out, body, ctx, fault) {
    if (!Array.isArray(body.messages) || body.messages.length === 0) {
      return send(out, 400, errorBody("Invalid value for 'messages': expected a non-empty array.", 'invalid_request_error', null, 'messages'));
    }
    const rfType = body.response_format?.type;
    if ((rfType === 'json_schema' && options.rejectJsonSchema) || (rfType === 'json_object' && options.rejectJsonObject)) {
      return send(
        out,
        400,
        errorBody(`Invalid parameter: 'response_format' of type '${rfType}' is not supported with this model.`, 'invalid_request_error', null, 'response_format'),
      );
    }
    if (options.rejectMaxTokens && body.max_tokens !== undefined) {
      return send(
        out,
        400,
        errorBody(
          "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
          'invalid_request_error',
          'unsupported_parameter',
          'max_tokens',
        ),
      );
    }
    if (fault === 'empty_choices') {
      const c = completion(body, '', ctx.requestNumber);
      c.choices = [];
      return send(out, 200, JSON.stringify(c));
    }
    let content;
    let full;
    if (options.responder && fault == null) {
      const scripted = await options.responder(body, ctx);
      if (typeof scripted === 'string') content = scripted;
      else if (scripted && typeof scripted === 'object') full = scripted;
    }
    if (full) return send(out, 200, JSON.stringify(full));
    if (content === undefined) content = defaultContent(body, fault);
    send(out, 200, JSON.stringify(completion(body, content, ctx.requestNumber)));
  }

  function handleEmbeddings(out, body) {
    const raw = body.input;
    const inputs = Array.isArray(raw) ? raw : [raw];
    if (raw == null || inputs.length === 0) {
      return send(out, 400, errorBody("Invalid value for 'input'.", 'invalid_request_error', null, 'input'));
    }
    const dims = body.dimensions ?? options.embeddingDims ?? 64;
    let tokens = 0;
    const data = inputs.map((input, index) => {
      const text = typeof input === 'string' ? input : Array.isArray(input) ? input.join(' ') : String(input);
      tokens += estimateTokens(text);
      const vector = options.generator.embedText(text, dims);
      const embedding = body.encoding_format === 'base64' ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector;
      return { object: 'embedding', index, embedding };
    });
    send(out, 200, JSON.stringify({ object: 'list', data, model: body.model, usage: { prompt_tokens: tokens, total_tokens: tokens } }));
  }

  function handleModels(out) {
    const data = (options.models ?? DEFAULT_MODELS).map((id) => ({ id, object: 'model', created: 1700000000, owned_by: 'fake-openai' }));
    send(out, 200, JSON.stringify({ object: 'list', data }));
  }

  function publicStats() {
    return { ...stats, byPath: { ...stats.byPath }, byModel: { ...stats.byModel }, byStatus: { ...stats.byStatus }, faults: { ...stats.faults }, bodies: [...stats.bodies] };
  }

  async function handleApi(req, out, kind, rawBody) {
    let body;
    try {
      body = JSON.parse(rawBody);
    } catch {
      return send(out, 400, errorBody('We could not parse the JSON body of your request.', 'invalid_request_error', null));
    }
    if (!body || typeof body !== 'object' || typeof body.model !== 'string' || body.model === '') {
      return send(out, 400, errorBody("you must provide a model parameter", 'invalid_request_error', null, 'model'));
    }
    const requestNumber = ++apiRequestNumber;
    stats.byModel[body.model] = (stats.byModel[body.model] ?? 0) + 1;
    const maxBodies = options.maxLoggedBodies ?? 200;
    if (maxBodies > 0) {
      stats.bodies.push(body);
      if (stats.bodies.length > maxBodies) stats.bodies.shift();
    }
    const ctx = { requestNumber, path: req.url, kind, model: body.model, headers: req.headers, body };
    const fault = chooseFault(ctx);
    out.deadline = out.arrived + latency();
    if (fault && sendFault(out, fault, ctx) !== null) return;
    if (kind === 'chat') return handleChat(out, body, ctx, fault);
    return handleEmbeddings(out, body);
  }

  function route(pathname) {
    if (pathname.endsWith('/chat/completions')) return 'chat';
    if (pathname.endsWith('/embeddings')) return 'embeddings';
    if (pathname.endsWith('/models')) return 'models';
    if (pathname === '/__fake/stats') return 'stats';
    if (pathname === '/__fake/reset') return 'reset';
    return null;
  }

  const server = http.createServer((req, res) => {
    const q = req.url.indexOf('?');
    const pathname = q < 0 ? req.url : req.url.slice(0, q);
    const kind = route(pathname);
    stats.total++;
    stats.byPath[pathname] = (stats.byPath[pathname] ?? 0) + 1;
    stats.inFlight++;
    if (stats.inFlight > stats.maxInFlight) stats.maxInFlight = stats.inFlight;
    let done = false;
    const finish = () => {
      if (!done) {
        done = true;
        stats.inFlight--;
      }
    };
    res.on('finish', finish);
    res.on('close', finish);
    const out = { res, arrived: 0, deadline: 0 };

    if (kind === 'models' && req.method === 'GET') return handleModels(out);
    if (kind === 'stats') return send(out, 200, JSON.stringify(publicStats()));
    if (kind === 'reset') {
      resetStats();
      return send(out, 200, '{"ok":true}');
    }
    if ((kind === 'chat' || kind === 'embeddings') && req.method === 'POST') {
      const chunks = [];
      req.on('data', (chunk) => chunks.push(chunk));
      req.on('end', () => {
        out.arrived = performance.now();
        stats.firstApiArrivalAt ??= Date.now();
        out.api = true;
        const raw = chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8');
        handleApi(req, out, kind, raw).catch((err) => {
          if (!res.headersSent) send({ res, deadline: 0 }, 500, errorBody(`fake server bug: ${err?.message ?? err}`, 'server_error', null));
        });
      });
      return;
    }
    send(out, 404, errorBody(`Unknown request URL: ${req.method} ${pathname}`, 'invalid_request_error', 'unknown_url'));
  });
  server.keepAliveTimeout = 60_000;
  server.headersTimeout = 65_000;
  server.requestTimeout = 0;
  server.on('connection', (socket) => {
    socket.setNoDelay(true);
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;

  return {
    url,
    baseURL: `${url}/v1`,
    port: address.port,
    stats: publicStats,
    resetStats,
    setOptions(partial) {
      const next = { ...options, ...partial };
      checkOptions(next);
      options = next;
      if ('seed' in partial) {
        faultRandom = seededRandom(options.seed ?? 1);
        latencyRandom = seededRandom((options.seed ?? 1) ^ 0x5bd1e995);
      }
      if ('failRequests' in partial) failRequests = new Set(options.failRequests ?? []);
    },
    reset() {
      options = { ...initialOptions };
      faultRandom = seededRandom(options.seed ?? 1);
      latencyRandom = seededRandom((options.seed ?? 1) ^ 0x5bd1e995);
      failRequests = new Set(options.failRequests ?? []);
      resetStats();
    },
    close() {
      return new Promise((resolve) => {
        for (const res of hanging) res.socket?.destroy();
        hanging.clear();
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
    },
  };
}

export const FAKE_OPENAI_FAULTS = [...FAULTS];

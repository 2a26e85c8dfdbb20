/**
 * What a deterministic answer is derived from: a 32-bit hash of every message and the words of the
 * last user message (so placeholder answers quote the row they answer).
 */
export interface AnswerSeed {
  hash: number;
  words: readonly string[];
}

interface MessageLike {
  role: string;
  content: string;
}

const STOPWORDS = new Set(
  (
    'the and for are but not you your with this that from have has had was were will would could should ' +
    'there their them they then than what when where which who whom why how all any can its our out over ' +
    'into about only also just very more most some such each other been being does did doing here onto ' +
    'json schema return respond answer following given below above please text following output field fields ' +
    'object value values you are task'
  ).split(' '),
);

const WORD = /[A-Za-z][A-Za-z'-]{2,}/g;
const MAX_WORDS = 48;
const MAX_SCAN_CHARS = 4000;
/** How much of the end of the last user message placeholder answers draw their words from. */
const TAIL_CHARS = 1200;

/** FNV-1a over a string, continuing from `hash`. */
export function fnv1a(text: string, hash = 0x811c9dc5): number {
  let h = hash;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Distinct lower-case content words of `text`, in order of first appearance. */
export function contentWords(text: string, max = MAX_WORDS): string[] {
  const words: string[] = [];
  const seen = new Set<string>();
  const scanned = text.length > MAX_SCAN_CHARS ? text.slice(0, MAX_SCAN_CHARS) : text;
  for (const match of scanned.matchAll(WORD)) {
    const word = match[0].toLowerCase().replace(/^['-]+|['-]+$/g, '');
    if (word.length < 3 || STOPWORDS.has(word) || seen.has(word)) continue;
    seen.add(word);
    words.push(word);
    if (words.length >= max) break;
  }
  return words;
}

export function seedFromMessages(messages: readonly MessageLike[]): AnswerSeed {
  let hash = 0x811c9dc5;
  let lastUser = '';
  for (const message of messages) {
    const content = typeof message.content === 'string' ? message.content : JSON.stringify(message.content ?? '');
    hash = fnv1a(message.role, hash);
    hash = fnv1a('\u0000', hash);
    hash = fnv1a(content, hash);
    hash = fnv1a('\u0001', hash);
    if (message.role === 'user') lastUser = content;
  }
  if (lastUser === '' && messages.length > 0) {
    const last = messages[messages.length - 1]!;
    lastUser = typeof last.content === 'string' ? last.content : '';
  }
  // Prompts put instructions first and the row last: words from the end make placeholder answers quote the row.
  const tail = lastUser.length > TAIL_CHARS ? lastUser.slice(lastUser.length - TAIL_CHARS) : lastUser;
  return { hash, words: contentWords(tail, Number.POSITIVE_INFINITY).slice(-MAX_WORDS) };
}

/** mulberry32: a tiny, fast, well-spread PRNG returning floats in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

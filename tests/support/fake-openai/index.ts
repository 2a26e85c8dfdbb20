/** In-process fake OpenAI server for tests, answering with the same generator as the offline provider. */
import { seedFromMessages } from '../../../src/llm/answer-seed.js';
import { answerForSchema, answerText } from '../../../src/llm/schema-answer.js';
import { embedText } from '../../../src/llm/text-embedding.js';
import { startFakeOpenAIServer, type FakeOpenAI, type FakeOpenAIOptions } from './server.mjs';

export type { FakeFault, FakeOpenAI, FakeOpenAIOptions, FakeOpenAIStats, FakeRequestContext } from './server.mjs';
export { FAKE_OPENAI_FAULTS } from './server.mjs';

export const fakeAnswerGenerator = { seedFromMessages, answerForSchema, answerText, embedText };

export function startFakeOpenAI(options: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
  return startFakeOpenAIServer({ ...options, generator: fakeAnswerGenerator });
}

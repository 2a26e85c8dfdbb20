// Writes a project with one source of `rows` rows and one llm model, targeted at a fake OpenAI server.
import { createWriteStream, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';

export async function generateBuildProject(dir, rows, { concurrency = 64 } = {}) {
  rmSync(dir, { recursive: true, force: true });
  for (const sub of ['models', 'prompts', 'data']) mkdirSync(join(dir, sub), { recursive: true });
  writeFileSync(
    join(dir, 'loom_project.yml'),
    `name: bench_build
defaults:
  llm: { provider: openai, model: gpt-4o-mini, temperature: 0, max_tokens: 40 }
  batch_size: 1000
targets:
  bench: { provider: openai, concurrency: ${concurrency}, max_retries: 5, timeout_ms: 30000 }
default_target: bench
`,
  );
  writeFileSync(join(dir, 'prompts', 'classify.njk'), 'Classify the sentiment of review {{ row.id }}.\n{{ row.text }}\nAnswer with JSON.\n');
  writeFileSync(
    join(dir, 'models', 'models.yml'),
    `sources:
  - name: raw
    tables:
      - { name: reviews, path: data/reviews.csv, unique_key: id }
models:
  - name: classify
    kind: llm
    from: source('raw', 'reviews')
    unique_key: id
    prompt: classify
    passthrough: false
    output:
      type: object
      properties:
        sentiment: { enum: [positive, negative, neutral] }
        confidence: { type: number, minimum: 0, maximum: 1 }
      required: [sentiment, confidence]
`,
  );
  const out = createWriteStream(join(dir, 'data', 'reviews.csv'));
  out.write('id,text\n');
  const words = ['great', 'terrible', 'fine', 'broken', 'love', 'slow', 'fast', 'noisy', 'quiet', 'cheap'];
  for (let i = 1; i <= rows; i++) {
    const line = `r${i},"review ${i}: the blender is ${words[i % 10]} and ${words[(i * 7) % 10]}"\n`;
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

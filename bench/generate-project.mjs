// Writes a synthetic Loom project of N models (half sql, half llm, each llm model with its own prompt file,
// each model ref()ing one or two earlier models) for the compile benchmarks. Deterministic for a given N.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function generateProject(dir, models, { perFile = 50 } = {}) {
  rmSync(dir, { recursive: true, force: true });
  for (const sub of ['models', 'prompts', 'context', 'data']) mkdirSync(join(dir, sub), { recursive: true });
  writeFileSync(
    join(dir, 'loom_project.yml'),
    `name: bench_${models}\nvars: { min_length: 10 }\ndefaults:\n  llm: { provider: openai, model: gpt-4o-mini, temperature: 0 }\ntargets:\n  dev: { provider: offline }\ndefault_target: dev\n`,
  );
  writeFileSync(join(dir, 'data', 'items.csv'), 'id,text\n1,hello world\n');
  writeFileSync(join(dir, 'context', 'guide.md'), '# Guide\nBe concise and precise.\n');
  writeFileSync(join(dir, 'models', 'sources.yml'), 'sources:\n  - name: raw\n    tables:\n      - { name: items, path: data/items.csv, unique_key: id }\n');
  let seed = 42;
  const rand = (n) => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % n);
  let file = '';
  let fileIndex = 0;
  const flush = () => {
    if (!file) return;
    const folder = join(dir, 'models', `group_${Math.floor(fileIndex / 20)}`);
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, `models_${fileIndex}.yml`), `models:\n${file}`);
    file = '';
    fileIndex++;
  };
  for (let i = 0; i < models; i++) {
    const upstream = i === 0 ? "source('raw', 'items')" : `ref('m${rand(i)}')`;
    if (i % 2 === 0) {
      const join2 = i > 2 ? `\n        join {{ ref('m${rand(i)}') }} b using (id)` : '';
      file += `  - name: m${i}
    kind: sql
    description: "Model ${i}: cleans and joins upstream rows"
    tags: [group_${i % 10}${i % 3 === 0 ? ', nightly' : ''}]
    sql: |
      select a.id, a.text
        from {{ ${upstream} }} a${join2}
       where length(a.text) >= {{ var('min_length') }}
`;
    } else {
      writeFileSync(
        join(dir, 'prompts', `p${i}.njk`),
        `You are a careful analyst (task ${i}).\n{{ context('guide') }}\nClassify this text:\n{{ row.text }}\nAnswer with JSON.\n`,
      );
      file += `  - name: m${i}
    kind: llm
    description: "Model ${i}: classifies upstream rows"
    tags: [group_${i % 10}]
    from: ${upstream}
    unique_key: id
    prompt: p${i}
    output:
      type: object
      properties:
        label: { enum: [a, b, c] }
        score: { type: number, minimum: 0, maximum: 1 }
      required: [label, score]
`;
    }
    if ((i + 1) % perFile === 0) flush();
  }
  flush();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  generateProject(process.argv[2], Number(process.argv[3] ?? 1000));
}

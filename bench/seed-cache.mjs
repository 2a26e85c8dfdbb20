// Fills a project's warehouse with `count` cached answers that no row of the bench asks for, in one SQL insert
// through Loom's own warehouse module (so its migrations run first): `node bench/seed-cache.mjs <warehouse> <count>`.
import { Warehouse } from '../dist/warehouse/warehouse.js';

const [path, count] = process.argv.slice(2);
const warehouse = await Warehouse.open(path, { memoryLimit: '1GB' });
await warehouse.meta.run(
  `insert into loom.llm_cache
   select sha256('other answer ' || i), 'completion', 'openai', 'gpt-4o-mini',
          '{"content":"{\\"sentiment\\":\\"neutral\\",\\"confidence\\":0.5}","tokens_in":30,"tokens_out":12}', now()
   from range(${Number(count)}) t(i)`,
);
await warehouse.meta.run('CHECKPOINT');
await warehouse.close();

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Most e2e tests wait on child processes and servers, not the CPU: two workers keep both cores busy.
    maxWorkers: 2,
  },
});

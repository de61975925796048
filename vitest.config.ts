import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['packages/*/test/**/*.test.ts', 'test/unit/**/*.test.ts'],
    testTimeout: 60_000,
    pool: 'forks',
  },
});

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    environment: 'node',
    // Each file starts real servers over real data folders; scrypt at full cost is slow by design.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});

import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    environment: 'node',
    // Every API answer a test receives is checked against the server's own API document.
    setupFiles: ['test/helpers/contract-setup.ts'],
    // Each file starts real servers over real data folders; scrypt at full cost is slow by design.
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});

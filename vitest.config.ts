import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/support/setup.ts'],
    // Tests that spawn bin/hbsim.js run the compiled dist/: rebuild it when src/ changed.
    globalSetup: ['test/support/build-dist.ts'],
    testTimeout: 60_000,
    // The JSON report is what .ci/run turns into the plain "N passed, N failed" line.
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results/vitest.json' },
  },
});

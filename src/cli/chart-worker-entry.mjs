// Worker threads start without the TypeScript loader the main thread may have been
// given on its command line; load the chart thread through tsx explicitly (as
// src/sweep/worker-entry.mjs does for the sweep's threads).
import { tsImport } from 'tsx/esm/api';

await tsImport('./chart-worker-thread.ts', import.meta.url);

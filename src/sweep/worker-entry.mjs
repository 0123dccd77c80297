// Worker threads start without the TypeScript loader the main thread may have been
// given on its command line; load the worker through tsx explicitly.
import { tsImport } from 'tsx/esm/api';

await tsImport('./worker.ts', import.meta.url);

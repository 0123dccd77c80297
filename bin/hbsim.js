#!/usr/bin/env node
// The installed `hbsim` command. The sources are TypeScript, so register tsx's ESM
// loader first, then load the CLI entry relative to this file (not the cwd).
import { register } from 'tsx/esm/api';

register();
await import(new URL('../src/cli/main.ts', import.meta.url).href);

#!/usr/bin/env node
import { execute, settings } from '@oclif/core';

// The compiled commands are what users run: never look for TypeScript sources,
// even when NODE_ENV is not 'production' (vitest sets 'test').
settings.enableAutoTranspile = false;
await execute({ dir: import.meta.url });

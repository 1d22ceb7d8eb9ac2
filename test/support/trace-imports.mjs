/* global URL */
// Loaded with NODE_OPTIONS=--import: records every module specifier the CLI resolves, so a test
// can prove that a command never loads a heavy module it does not use.
import { register } from 'node:module';

register(new URL('./trace-imports-hooks.mjs', import.meta.url));

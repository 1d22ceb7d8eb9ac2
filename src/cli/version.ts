// Kept in step with package.json by test/version.test.ts; read at build time, not from disk at startup.
export const VERSION = '0.1.0';

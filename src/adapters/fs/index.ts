/** File primitives: atomic writes and batches, lock files, process liveness and the crash-test pause hook. */
export { writeFilesAtomic } from './atomic-batch.js';
export { ioError, writeFileAtomic } from './atomic-write.js';
export { withFileLock } from './file-lock.js';
export { machine, pidRunning } from './liveness.js';
export { pauseAt } from './test-pause.js';
export { mapLimit } from './map-limit.js';
export { PACKAGE_ROOT } from './package-root.js';
export { readTextOrNull } from './read-text.js';

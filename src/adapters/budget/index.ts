/** Token counters for the budget: the bundled BPE, loaded once, and the calibration file. */
export { createCounters } from './token-counting.js';

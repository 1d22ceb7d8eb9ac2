/** Image intake on sharp (lazy-loaded): sniff, decode, orient, strip and resize. */
export { prepareImage, storeSnapshot, toBase64 } from './intake.js';

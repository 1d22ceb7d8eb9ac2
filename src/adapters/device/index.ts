/** The laptop itself: thermal and power sensors, the camera and the clock. */
export { DEFAULT_V4L2_DEVICE, captureCommand, captureStill } from './camera.js';
export type { CameraSystem, RunResult } from './camera.js';
export { systemClock } from './clock.js';
export { createSensors, parsePmsetBatt, parseThermalPressure, readSensors, sensorsFromEnv } from './sensors.js';
export type { ConfiguredSensors } from './sensors.js';

/**
 * The connection rule between main and a renderer, in one place: main beats
 * every HEARTBEAT_INTERVAL_MS; a renderer that has heard nothing for
 * LOST_AFTER_MS says "Not connected". Two missed beats plus slack for a busy
 * machine, and still inside the 3 s the cockpit promises.
 */
export const HEARTBEAT_INTERVAL_MS = 1000;
export const LOST_AFTER_MS = 2500;

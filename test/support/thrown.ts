import { FlightdeckError } from '../../src/shared/errors';

/** The FlightdeckError `action` throws, to assert its code and fields; fails when it throws something else or nothing. */
export function thrown(action: () => unknown): FlightdeckError {
  try {
    action();
  } catch (err) {
    if (err instanceof FlightdeckError) return err;
    throw err;
  }
  throw new Error('expected a FlightdeckError, nothing was thrown');
}

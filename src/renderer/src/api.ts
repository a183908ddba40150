/**
 * The renderer's only door to main. In the desktop app the preload put
 * `window.flightdeck` there; in browser mode there is none, and the same
 * bridge is built over HTTP. Either way calls throw FlightdeckError.
 */
import { toApi, type FlightdeckApi, type FlightdeckBridge } from '../../shared/api';
import { createBrowserBridge } from './browser-transport';

declare global {
  interface Window {
    flightdeck?: FlightdeckBridge;
  }
}

export const api: FlightdeckApi = toApi(window.flightdeck ?? createBrowserBridge());

/**
 * How a clicked https link leaves the app. The cockpit provides main's
 * openExternal; the print view provides nothing, so links print as text
 * with their address and the print page never needs the app's store.
 */
import { createContext } from 'react';

export const LinkOpener = createContext<((href: string) => void) | null>(null);

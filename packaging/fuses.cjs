/**
 * The Electron fuses of a packaged Flightdeck: switches compiled into the
 * Electron binary that no flag, variable or script can turn back at run
 * time. after-pack.cjs flips them in every package electron-builder makes
 * (before signing); test/unit/fuses.test.ts checks this list. Plain data
 * and plain functions, CommonJS, so electron-builder loads it as is.
 *
 * Every fuse @electron/fuses knows is set here (strictlyRequireAllFuses):
 * a newer @electron/fuses with a new fuse fails packaging until someone
 * decides its value in this file.
 */
'use strict';

const path = require('node:path');

/** Fuse name (as @electron/fuses spells it in FuseV1Options) -> value, and why. */
const FUSES = Object.freeze({
  // ELECTRON_RUN_AS_NODE=1 would make the signed app a plain Node that runs any script with the app's identity.
  RunAsNode: false,
  // Cookies on disk encrypted with the OS keyring, like the vault's safeStorage key.
  EnableCookieEncryption: true,
  // NODE_OPTIONS (--require, --inspect ...) could inject code into the main process that holds the credentials.
  EnableNodeOptionsEnvironmentVariable: false,
  // --inspect and friends would open a debugger on the main process.
  EnableNodeCliInspectArguments: false,
  // The app.asar must match the hash the build embedded (macOS and Windows; Linux has no embedded hash).
  EnableEmbeddedAsarIntegrityValidation: true,
  // Only the app.asar is loaded, never a loose app/ folder someone dropped beside it.
  OnlyLoadAppFromAsar: true,
  // Electron's default: one V8 snapshot for every process.
  LoadBrowserProcessSpecificV8Snapshot: false,
  // The renderer loads from app://flightdeck; file:// pages need none of file://'s extra powers.
  GrantFileProtocolExtraPrivileges: false,
});

/**
 * The config flipFuses takes, from FUSES. `fuses` is the @electron/fuses
 * module (passed in, so the test checks the names against the real enum).
 */
function fuseConfig(fuses, platform, arch) {
  const config = {
    version: fuses.FuseVersion.V1,
    strictlyRequireAllFuses: true,
    // Flipping fuses breaks an Apple Silicon binary's ad-hoc signature; the real signing comes after.
    resetAdHocDarwinSignature: platform === 'darwin' && (arch === 'arm64' || arch === 'universal'),
  };
  for (const [name, value] of Object.entries(FUSES)) {
    const index = fuses.FuseV1Options[name];
    if (typeof index !== 'number') throw new Error(`packaging/fuses.cjs: "${name}" is not a fuse that @electron/fuses knows.`);
    config[index] = value;
  }
  return config;
}

/**
 * The Electron executable inside a packed app folder, as electron-builder
 * names it: Flightdeck.app, Flightdeck.exe, or the Linux executable name.
 */
function electronBinaryPath({ appOutDir, electronPlatformName, productFilename, executableName }) {
  switch (electronPlatformName) {
    case 'darwin':
    case 'mas':
      return path.join(appOutDir, `${productFilename}.app`);
    case 'win32':
      return path.join(appOutDir, `${productFilename}.exe`);
    case 'linux':
      return path.join(appOutDir, executableName);
    default:
      throw new Error(`packaging/fuses.cjs: no Electron binary known for platform "${electronPlatformName}".`);
  }
}

module.exports = { FUSES, fuseConfig, electronBinaryPath };

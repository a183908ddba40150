/**
 * The packaging step, checked as data: packaging itself needs the Electron
 * binary of each target, which the build machines cannot download, so
 * `npm run package` is not run here. What it would do is checked instead:
 * the fuse list the afterPack hook flips (against @electron/fuses' own
 * enum, so a misspelt fuse fails), where the hook finds the binary, and an
 * electron-builder configuration that electron-builder's own schema
 * accepts, with the Linux, macOS and Windows targets and the hook wired in.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FuseV1Options, FuseVersion } from '@electron/fuses';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const require = createRequire(import.meta.url);
const { FUSES, fuseConfig, electronBinaryPath } = require(join(root, 'packaging', 'fuses.cjs')) as {
  FUSES: Record<string, boolean>;
  fuseConfig: (fuses: unknown, platform: string, arch: string) => Record<string | number, unknown>;
  electronBinaryPath: (context: { appOutDir: string; electronPlatformName: string; productFilename: string; executableName?: string }) => string;
};
const fusesModule = { FuseV1Options, FuseVersion };

describe('the Electron fuses of a packaged app', () => {
  it('turns off running as Node, NODE_OPTIONS and --inspect, and turns on asar-only loading, asar integrity and cookie encryption', () => {
    expect(FUSES).toMatchObject({
      RunAsNode: false,
      EnableNodeOptionsEnvironmentVariable: false,
      EnableNodeCliInspectArguments: false,
      OnlyLoadAppFromAsar: true,
      EnableEmbeddedAsarIntegrityValidation: true,
      EnableCookieEncryption: true,
    });
    // The renderer is served from app://, so file:// keeps no extra powers.
    expect(FUSES.GrantFileProtocolExtraPrivileges).toBe(false);
  });

  it('names every fuse @electron/fuses knows, and only those, so a new fuse is a decision, not a default', () => {
    const known = Object.keys(FuseV1Options).filter((key) => Number.isNaN(Number(key)));
    expect(Object.keys(FUSES).sort()).toEqual(known.sort());
  });

  it('builds the flipFuses config keyed by the fuse wire positions, strict about missing fuses', () => {
    const config = fuseConfig(fusesModule, 'linux', 'x64');
    expect(config.version).toBe(FuseVersion.V1);
    expect(config.strictlyRequireAllFuses).toBe(true);
    expect(config[FuseV1Options.RunAsNode]).toBe(false);
    expect(config[FuseV1Options.EnableNodeOptionsEnvironmentVariable]).toBe(false);
    expect(config[FuseV1Options.EnableNodeCliInspectArguments]).toBe(false);
    expect(config[FuseV1Options.OnlyLoadAppFromAsar]).toBe(true);
    expect(config[FuseV1Options.EnableEmbeddedAsarIntegrityValidation]).toBe(true);
    expect(config[FuseV1Options.EnableCookieEncryption]).toBe(true);
    expect(config.resetAdHocDarwinSignature).toBe(false);
  });

  it('re-signs ad hoc only for Apple Silicon binaries, whose ad-hoc signature the flip breaks', () => {
    expect(fuseConfig(fusesModule, 'darwin', 'arm64').resetAdHocDarwinSignature).toBe(true);
    expect(fuseConfig(fusesModule, 'darwin', 'universal').resetAdHocDarwinSignature).toBe(true);
    expect(fuseConfig(fusesModule, 'darwin', 'x64').resetAdHocDarwinSignature).toBe(false);
    expect(fuseConfig(fusesModule, 'win32', 'arm64').resetAdHocDarwinSignature).toBe(false);
  });

  it('refuses a fuse name @electron/fuses does not know, rather than skipping it', () => {
    expect(() => fuseConfig({ FuseVersion, FuseV1Options: { ...FuseV1Options, RunAsNode: undefined } }, 'linux', 'x64')).toThrow(/"RunAsNode" is not a fuse/);
  });

  it.each([
    ['linux', join('/dist', 'linux-unpacked', 'flightdeck')],
    ['darwin', join('/dist', 'linux-unpacked', 'Flightdeck.app')],
    ['mas', join('/dist', 'linux-unpacked', 'Flightdeck.app')],
    ['win32', join('/dist', 'linux-unpacked', 'Flightdeck.exe')],
  ])('flips the binary electron-builder packed for %s: %s', (platform, binary) => {
    expect(electronBinaryPath({ appOutDir: join('/dist', 'linux-unpacked'), electronPlatformName: platform, productFilename: 'Flightdeck', executableName: 'flightdeck' })).toBe(binary);
  });

  it('says so for a platform it has no binary name for', () => {
    expect(() => electronBinaryPath({ appOutDir: '/dist', electronPlatformName: 'aix', productFilename: 'Flightdeck' })).toThrow(/aix/);
  });
});

describe('the electron-builder configuration', () => {
  const config = parse(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as Record<string, unknown> & {
    afterPack: string;
    linux: { target: string[] };
    mac: { target: string };
    win: { target: string };
    files: string[];
  };

  it('is accepted by electron-builder’s own schema', async () => {
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config') as { validateConfiguration: (c: unknown, log: unknown) => Promise<void> };
    const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
    // Loading electron-builder and compiling its schema takes seconds on a busy machine.
  }, 60_000);

  it('packages for Linux (AppImage, deb), macOS (dmg) and Windows (nsis), as an asar', () => {
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.mac.target).toBe('dmg');
    expect(config.win.target).toBe('nsis');
    expect(config.asar).toBe(true);
    expect(config.files).toEqual(expect.arrayContaining(['out/**', 'resources/**']));
  });

  it('runs the fuse hook after packing, and the hook loads', () => {
    expect(config.afterPack).toBe('packaging/after-pack.cjs');
    expect(existsSync(join(root, config.afterPack))).toBe(true);
    expect(typeof require(join(root, config.afterPack))).toBe('function');
  }, 60_000);

  it('has an npm script that builds and packages', () => {
    const scripts = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts.package).toBe('electron-vite build && electron-builder --config electron-builder.yml');
  });
});

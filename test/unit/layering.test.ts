/**
 * The architecture, checked: services never reach for Electron, and the
 * renderer and shared code never reach for Node. ESLint enforces the same
 * rules while editing; this test fails the build if a rule is switched off.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = fileURLToPath(new URL('../../src', import.meta.url));

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : /\.(ts|tsx)$/.test(e.name) ? [join(dir, e.name)] : []));
}

function imports(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]\s*\)|require\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
}

const nodeBuiltins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);

describe('layering', () => {
  it('keeps Electron out of the services', () => {
    const offenders = files(join(src, 'main', 'services')).filter((f) => imports(f).includes('electron'));
    expect(offenders).toEqual([]);
  });

  it('keeps Node built-ins and Electron out of the renderer and the shared contract', () => {
    const offenders = [...files(join(src, 'renderer')), ...files(join(src, 'shared'))].flatMap((f) => imports(f).filter((i) => nodeBuiltins.has(i) || i === 'electron').map((i) => `${f}: ${i}`));
    expect(offenders).toEqual([]);
  });

  it('checks something: the services folder has the modules it should', () => {
    expect(files(join(src, 'main', 'services')).length).toBeGreaterThan(10);
  });
});

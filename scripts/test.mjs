#!/usr/bin/env node
/**
 * `npm test`: every check, in the order that fails fastest. Installs
 * dependencies first when they are missing, then builds all three bundles
 * (the integration and end-to-end tests run the build), lints, type-checks,
 * and runs the unit, integration and end-to-end tests.
 *
 * The end-to-end tests drive Debian's Chromium at /usr/bin/chromium
 * (CHROMIUM_PATH overrides it). Extra arguments go to vitest, e.g.
 * `npm test -- --project unit`.
 */
import { join } from 'node:path';
import { build, ensureDependencies, root, run, say } from './setup.mjs';

const bin = (pkg, file) => join(root, 'node_modules', pkg, file);

ensureDependencies();
build({ onlyIfStale: false });
const steps = [
  ['lint', [bin('eslint', 'bin/eslint.js'), '.']],
  ['type-check (main, preload, tests)', [bin('typescript', 'bin/tsc'), '-p', 'tsconfig.node.json']],
  ['type-check (renderer)', [bin('typescript', 'bin/tsc'), '-p', 'tsconfig.web.json']],
  ['tests', [bin('vitest', 'vitest.mjs'), 'run', ...process.argv.slice(2)]],
];
for (const [name, args] of steps) {
  say(`${name}…`);
  if (!run(process.execPath, args)) {
    say(`${name} failed.`);
    process.exit(1);
  }
}
say('all checks passed.');

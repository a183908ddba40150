#!/usr/bin/env node
// The `flightdeck` command. The code lives in the built bundle so the CLI
// runs exactly the services the app runs.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const cli = join(__dirname, '..', 'out', 'main', 'cli.js');
if (!existsSync(cli)) {
  process.stderr.write('flightdeck: not built yet. Run `npm run build` (or `npm start` once) in ' + join(__dirname, '..') + '\n');
  process.exit(1);
}
require(cli);

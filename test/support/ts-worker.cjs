// Runs a TypeScript worker entry under tsx, so tests exercise the same
// worker code the build bundles.
require('tsx/cjs');
require(require('node:worker_threads').workerData.script);

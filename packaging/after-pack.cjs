/**
 * electron-builder's afterPack hook: flips the fuses of packaging/fuses.cjs
 * in the packed Electron binary. afterPack runs after the asar and its
 * integrity hash are in place and before signing, which must cover the
 * flipped binary.
 */
'use strict';

const { Arch } = require('electron-builder');
const fuses = require('@electron/fuses');
const { electronBinaryPath, fuseConfig } = require('./fuses.cjs');

module.exports = async function afterPack(context) {
  const { appOutDir, electronPlatformName, packager } = context;
  const binary = electronBinaryPath({
    appOutDir,
    electronPlatformName,
    productFilename: packager.appInfo.productFilename,
    // Only the Linux packager has one; the others name the binary after the product.
    executableName: packager.executableName,
  });
  await fuses.flipFuses(binary, fuseConfig(fuses, electronPlatformName, Arch[context.arch]));
};

/**
 * Certificates made at test time with the openssl binary (execFile, argv
 * only): a throwaway CA and leaves it signs with chosen validity dates
 * (including already expired), and a self-signed certificate no one trusts.
 * Nothing is checked in; every key lives in a temp directory.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface KeyAndCert {
  key: string;
  cert: string;
}

export interface TestPki {
  /** The CA certificate (PEM) to pass as an extra trusted root. */
  caCert: string;
  /** A leaf valid from `notBefore` to `notAfter`, signed by the CA, for `names` (default localhost and 127.0.0.1). */
  issue(notBefore: Date, notAfter: Date, names?: string[]): Promise<KeyAndCert>;
  /** A self-signed leaf for localhost and 127.0.0.1, valid for `days`. */
  selfSigned(days: number): Promise<KeyAndCert>;
  remove(): void;
}

const SAN = 'subjectAltName=DNS:localhost,IP:127.0.0.1';

/** openssl ca wants YYMMDDHHMMSSZ. */
function asn1Time(date: Date): string {
  return date.toISOString().replace(/[-:T]/g, '').slice(2, 14) + 'Z';
}

export async function createTestPki(): Promise<TestPki> {
  const dir = mkdtempSync(join(tmpdir(), 'flightdeck-pki-'));
  const path = (name: string) => join(dir, name);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await run('openssl', ['req', '-x509', ...ec, '-keyout', path('ca.key'), '-out', path('ca.pem'), '-days', '30', '-subj', '/CN=Flightdeck Test CA']);
  writeFileSync(path('index.txt'), '');
  writeFileSync(path('serial'), '1000\n');
  writeFileSync(
    path('ca.cnf'),
    [
      '[ca]',
      'default_ca = test_ca',
      '[test_ca]',
      `database = ${path('index.txt')}`,
      `new_certs_dir = ${dir}`,
      `serial = ${path('serial')}`,
      'default_md = sha256',
      'policy = any_name',
      'unique_subject = no',
      'copy_extensions = none',
      '[any_name]',
      'commonName = supplied',
      '',
    ].join('\n'),
  );
  let counter = 0;
  return {
    caCert: readFileSync(path('ca.pem'), 'utf8'),
    async issue(notBefore, notAfter, names = ['DNS:localhost', 'IP:127.0.0.1']) {
      const n = ++counter;
      writeFileSync(path(`leaf${n}.ext`), ['[leaf]', 'basicConstraints = CA:FALSE', 'keyUsage = digitalSignature', 'extendedKeyUsage = serverAuth', `subjectAltName = ${names.join(',')}`, ''].join('\n'));
      await run('openssl', ['req', '-new', ...ec, '-keyout', path(`leaf${n}.key`), '-out', path(`leaf${n}.csr`), '-subj', '/CN=localhost']);
      await run('openssl', [
        'ca', '-batch', '-config', path('ca.cnf'), '-extfile', path(`leaf${n}.ext`), '-extensions', 'leaf', '-cert', path('ca.pem'), '-keyfile', path('ca.key'),
        '-in', path(`leaf${n}.csr`), '-out', path(`leaf${n}.pem`), '-startdate', asn1Time(notBefore), '-enddate', asn1Time(notAfter), '-notext',
      ]);
      return { key: readFileSync(path(`leaf${n}.key`), 'utf8'), cert: readFileSync(path(`leaf${n}.pem`), 'utf8') };
    },
    async selfSigned(days) {
      const n = ++counter;
      await run('openssl', ['req', '-x509', ...ec, '-keyout', path(`self${n}.key`), '-out', path(`self${n}.pem`), '-days', String(days), '-subj', '/CN=localhost', '-addext', SAN]);
      return { key: readFileSync(path(`self${n}.key`), 'utf8'), cert: readFileSync(path(`self${n}.pem`), 'utf8') };
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export function daysFromNow(days: number): Date {
  return new Date(Date.now() + days * 86_400_000);
}

/**
 * Where main keeps the credentials the profile names: one encrypted file in
 * the data directory (vault-file.ts), opened by a passphrase (scrypt) or by
 * the OS keyring (Electron safeStorage, injected), whichever
 * chooseVaultKind picks for a new vault; an existing file keeps its kind.
 *
 * Values never leave main. The only method that returns a value is get(),
 * for services in main at the moment they use a secret; status(), names()
 * and has() give names and presence only, and put() and delete() return
 * nothing. Handlers for the renderer must never expose get(). get() names
 * the destination the value goes to, and the entry's own scope decides
 * (secret-scope.ts): the operator sets it with put() and setScope(); no
 * profile can widen it. Every value
 * decrypted or stored is reported to the redactor first, so it is hidden
 * in anything main sends out.
 *
 * The data key lives only in this object while unlocked; lock() zeroes it
 * and drops the decrypted values (JavaScript cannot wipe strings, so those
 * wait for the garbage collector; the redactor keeps its own copy on
 * purpose, see redactor.ts).
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { statSync } from 'node:fs';
import type { VaultStatus } from '../../../shared/control-model';
import { FlightdeckError } from '../../../shared/errors';
import { LIMITS } from '../../../shared/contract-names';
import { SECRET_NAME } from '../profile/secret-ref';
import { DEFAULT_SCRYPT_N, newScryptParams, openDataKey, sealDataKey } from './passphrase-key';
import type { SecretSink } from './redactor';
import { chooseVaultKind, unwrapDataKey, wrapDataKey, type SafeStorageLike, type VaultKind } from './safe-storage-key';
import { KEY_BYTES, open, seal } from './sealed-box';
import { MIN_SECRET_LENGTH } from './secret-forms';
import type { Destination } from './destination';
import { checkRelease, destinationFor, isLocalDestination, normaliseScope, type DestinationOf } from './secret-scope';
import type { SecretResolver } from './secrets';
import { entryAssociatedData, readVaultFile, VAULT_FORMAT, VAULT_VERSION, writeVaultFile, type SecretEntry, type VaultFile } from './vault-file';

export type VaultChange = 'put' | 'delete' | 'scope';

/** A new passphrase shorter than this is refused: it would be the weakest link of the vault. */
export const MIN_PASSPHRASE_LENGTH = 8;
/** Name the passphrase is redacted under once it has unlocked the vault. */
export const PASSPHRASE_SECRET_NAME = 'vault-passphrase';

export interface VaultOptions {
  /** The vault file: join(dataDir, VAULT_FILE_NAME). */
  file: string;
  /** Electron's safeStorage through an adapter; null in browser mode and in the CLI. */
  safeStorage: SafeStorageLike | null;
  platform: NodeJS.Platform;
  /** Told every value the vault decrypts or stores, before any service sees it. */
  redactor?: SecretSink;
  /**
   * Called before the file changes, with the name and the new scope (never
   * the value), so the change can be journaled ('vault.changed'); if it
   * throws, the change does not happen.
   */
  onChange?: (op: VaultChange, name: string, scope?: Destination[]) => void;
  /** scrypt cost for a new passphrase vault (tests use the minimum, 2^15). */
  scryptN?: number;
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function checkName(name: string): void {
  if (typeof name !== 'string' || !SECRET_NAME.test(name)) {
    throw new FlightdeckError('bad-input', `"${String(name).slice(0, 80)}" is not a secret name: it must start with a letter and use letters, digits, "_", "." or "-" (at most 64).`, { field: 'name' });
  }
}

function checkValue(name: string, value: string): void {
  if (typeof value !== 'string' || value.length < MIN_SECRET_LENGTH) {
    throw new FlightdeckError('bad-input', `Secret "${name}" must be at least ${MIN_SECRET_LENGTH} characters: a shorter value cannot be told apart from ordinary text, so it could not be hidden from logs.`, { field: 'value' });
  }
  if (value.length > LIMITS.secretChars) throw new FlightdeckError('too-large', `Secret "${name}" is longer than ${LIMITS.secretChars} characters.`, { field: 'value' });
  if (LONE_SURROGATE.test(value)) throw new FlightdeckError('bad-input', `Secret "${name}" holds a broken Unicode character (a lone surrogate) that cannot be stored as UTF-8.`, { field: 'value' });
}

function sameSealed(a: SecretEntry | undefined, b: SecretEntry | undefined): boolean {
  return !!a && !!b && a.iv === b.iv && a.data === b.data && a.tag === b.tag && JSON.stringify(a.scope) === JSON.stringify(b.scope);
}

/**
 * A scope as put() takes it: the operator's destinations, or only local
 * ones, which Flightdeck's own code gives the keys it makes (LOCAL_SIGNING).
 */
function storedScope(scope: readonly string[]): Destination[] {
  if (Array.isArray(scope) && scope.length > 0 && scope.every((entry) => typeof entry === 'string' && isLocalDestination(entry))) return [...new Set(scope)].sort();
  return normaliseScope(scope);
}

function isLocalScope(scope: readonly string[] | undefined): boolean {
  return !!scope && scope.every(isLocalDestination);
}

/** Where a vault secret gets its scope, for the message of a refusal. */
function howToScope(name: string): string {
  return `Say where it may go in Credentials: "scope" beside ${name}, one destination per line (https://api.example.com, db.internal:5432 or program:NAME). For a secret given to the command line, FLIGHTDECK_SECRET_<NAME>_SCOPE does the same.`;
}

export class Vault implements SecretResolver {
  readonly kind: VaultKind;
  private readonly path: string;
  private readonly safeStorage: SafeStorageLike | null;
  private readonly redactor: SecretSink | undefined;
  private readonly onChange: ((op: VaultChange, name: string, scope?: Destination[]) => void) | undefined;
  private readonly scryptN: number;

  private file: VaultFile | null = null;
  /** Why the file could not be read; every use reports it until it reads again. */
  private fileError: FlightdeckError | null = null;
  private fileSignature = '';
  private key: Buffer | null = null;
  private readonly values = new Map<string, string>();
  /** Entries whose ciphertext failed authentication: edited, swapped or renamed outside Flightdeck. */
  private readonly damagedNames = new Set<string>();
  /** safe-storage: the user locked it; it stays locked until unlock(). */
  private lockedByUser = false;
  /** Bumped by lock(), so an unlock that was deriving when lock() came does not reopen the vault. */
  private epoch = 0;
  /** Unlock attempts run one at a time: parallel guesses gain nothing. */
  private unlocking: Promise<unknown> = Promise.resolve();

  constructor(options: VaultOptions) {
    this.path = options.file;
    this.safeStorage = options.safeStorage;
    this.redactor = options.redactor;
    this.onChange = options.onChange;
    this.scryptN = options.scryptN ?? DEFAULT_SCRYPT_N;
    this.refresh();
    this.kind = this.file?.kind ?? chooseVaultKind(this.safeStorage, options.platform);
    if (this.kind === 'safe-storage' && this.file && this.keyringUsable()) {
      // The OS login unlocked the keyring; opening now registers every value with the redactor before anything runs.
      try {
        this.openWithKeyring();
      } catch {
        // Reported by status() as locked and by unlock()/get() with the reason.
      }
    }
  }

  /** Kind, lock state, stored names with their scopes, and which of `profileSecretNames` the vault lacks. */
  status(profileSecretNames: Iterable<string> = []): VaultStatus {
    const names = this.names();
    const held = new Set(names);
    const missing = [...new Set(profileSecretNames)].filter((name) => !held.has(name)).sort();
    const scopes: Record<string, string[]> = {};
    const unscoped: string[] = [];
    // names() has just reread the file: its entries are current.
    for (const name of names) {
      const scope = this.file?.secrets[name]?.scope;
      if (scope) scopes[name] = [...scope];
      else unscoped.push(name);
    }
    return { kind: this.kind, state: this.state(), names, missing, scopes, unscoped };
  }

  /** Where the named secret may be sent; null when it has no scope yet or is not stored. Scopes are not secret: readable while locked. */
  scopeOf(name: string): Destination[] | null {
    this.refresh();
    const entry = this.file && Object.hasOwn(this.file.secrets, name) ? this.file.secrets[name] : undefined;
    return entry?.scope ? [...entry.scope] : null;
  }

  /** Stored secret names, sorted; an unreadable file has none. */
  names(): string[] {
    this.refresh();
    return Object.keys(this.file?.secrets ?? {}).sort();
  }

  /** Entries that failed their integrity check since the last unlock. */
  damaged(): string[] {
    return [...this.damagedNames].sort();
  }

  /**
   * Passphrase vault: checks the passphrase (the first unlock of a new vault
   * sets it) and decrypts every value. Wrong → FlightdeckError('forbidden'),
   * after the full scrypt cost. safeStorage vault: the passphrase is not
   * used; reopens after lock() through the OS keyring.
   */
  unlock(passphrase?: string): Promise<void> {
    const epoch = this.epoch;
    const attempt = this.unlocking.then(() => this.unlockNow(passphrase, epoch));
    this.unlocking = attempt.catch(() => undefined);
    return attempt;
  }

  /** Zeroes the key and forgets decrypted values: get() refuses until unlock(). */
  lock(): void {
    this.epoch++;
    this.key?.fill(0);
    this.key = null;
    this.values.clear();
    this.damagedNames.clear();
    if (this.kind === 'safe-storage') this.lockedByUser = true;
  }

  /**
   * The value, for a service in main at the moment it sends it to
   * `destination`; refused unless the entry's scope lists that destination.
   * Never hand it to the renderer.
   */
  get(name: string, destination: DestinationOf): string {
    const value = this.value(name);
    const target = destinationFor(name, value, destination);
    let scope = this.scopeOf(name);
    // A key Flightdeck made before scopes existed: only Flightdeck's own code asks for a local destination, so it is claimed as local for good.
    if (scope === null && isLocalDestination(target)) scope = this.reseal(name, value, [target]);
    checkRelease(name, scope, target, howToScope(name));
    return value;
  }

  /** Present and readable now; says nothing of where it may go. */
  has(name: string): boolean {
    try {
      this.value(name);
      return true;
    } catch {
      return false;
    }
  }

  /** The decrypted value, whatever its scope: for get() to judge and setScope() to seal again; never returned to a caller. */
  private value(name: string): string {
    checkName(name);
    this.refresh();
    if (this.fileError) throw this.fileError;
    if (!this.file && this.state() === 'unlocked') throw this.notFound(name);
    this.requireKey(`unlock it to use secret "${name}"`);
    if (this.damagedNames.has(name)) {
      throw new FlightdeckError(
        'conflict',
        `The vault entry "${name}" failed its integrity check: it was changed, swapped or renamed outside Flightdeck. Add the secret again in Credentials.`,
        { file: this.path, field: `secrets.${name}` },
      );
    }
    const value = this.values.get(name);
    if (value === undefined) throw this.notFound(name);
    return value;
  }

  /**
   * Adds or replaces a secret with the destinations it may be sent to (at
   * least one; see destination.ts for the forms). Needs the vault unlocked
   * (a new safeStorage vault is). A key Flightdeck made for itself (a local
   * scope) cannot be replaced by one that may leave the laptop.
   */
  put(name: string, value: string, scope: readonly string[]): void {
    checkName(name);
    checkValue(name, value);
    const newScope = storedScope(scope);
    this.refresh();
    if (isLocalScope(this.file?.secrets[name]?.scope) && !isLocalScope(newScope)) throw this.localOnly(name);
    if (this.kind === 'passphrase' && !this.file && !this.fileError) {
      throw new FlightdeckError('locked', `The vault has no passphrase yet: choose one (unlock) before adding secret "${name}".`);
    }
    if (this.kind === 'safe-storage' && !this.file && !this.fileError) this.createKeyringVault();
    const file = this.usableFile();
    const key = this.requireKey(`unlock it to add secret "${name}"`);
    const sealed = seal(key, Buffer.from(value, 'utf8'), entryAssociatedData(file.id, name, newScope));
    this.redactor?.add(name, value);
    this.onChange?.('put', name, newScope);
    this.write({ ...file, version: VAULT_VERSION, secrets: { ...file.secrets, [name]: { ...sealed, scope: newScope } } });
    this.values.set(name, value);
    this.damagedNames.delete(name);
  }

  /**
   * Gives a stored secret a new scope (the operator's word: at least one
   * destination). The value is sealed again, bound to the new scope, so it
   * needs the vault unlocked and the entry intact.
   */
  setScope(name: string, scope: readonly string[]): void {
    checkName(name);
    const newScope = normaliseScope(scope);
    this.refresh();
    const file = this.usableFile();
    const key = this.requireKey(`unlock it to change the scope of secret "${name}"`);
    if (!Object.hasOwn(file.secrets, name)) throw this.notFound(name);
    if (isLocalScope(file.secrets[name]!.scope)) throw this.localOnly(name);
    this.reseal(name, this.value(name), newScope, key);
  }

  /** Seals the value again, bound to `scope`, and writes it; returns the scope. */
  private reseal(name: string, value: string, scope: Destination[], key = this.requireKey(`unlock it to change the scope of secret "${name}"`)): Destination[] {
    const file = this.usableFile();
    const sealed = seal(key, Buffer.from(value, 'utf8'), entryAssociatedData(file.id, name, scope));
    this.onChange?.('scope', name, scope);
    this.write({ ...file, version: VAULT_VERSION, secrets: { ...file.secrets, [name]: { ...sealed, scope } } });
    return scope;
  }

  delete(name: string): void {
    checkName(name);
    this.refresh();
    const file = this.usableFile();
    this.requireKey(`unlock it to delete secret "${name}"`);
    if (!Object.hasOwn(file.secrets, name)) throw new FlightdeckError('not-found', `The vault has no secret "${name}".`, { field: name });
    this.onChange?.('delete', name);
    const secrets = { ...file.secrets };
    delete secrets[name];
    this.write({ ...file, secrets });
    this.values.delete(name);
    this.damagedNames.delete(name);
  }

  private state(): VaultStatus['state'] {
    if (this.kind === 'passphrase' && !this.file && !this.fileError) return 'uninitialised';
    if (this.key) return 'unlocked';
    // A safeStorage vault with no file yet is usable as is: the first put creates it.
    if (this.kind === 'safe-storage' && !this.file && !this.fileError && !this.lockedByUser && this.keyringUsable()) return 'unlocked';
    return 'locked';
  }

  private async unlockNow(passphrase: string | undefined, epoch: number): Promise<void> {
    this.refresh();
    if (this.fileError) throw this.fileError;
    if (epoch !== this.epoch) throw this.lockedWhileUnlocking();
    if (this.kind === 'safe-storage') {
      if (!this.keyringUsable()) {
        throw new FlightdeckError('unsupported', 'This vault is kept with the desktop keyring (safeStorage), which is not available here (browser mode or no keyring): open Flightdeck as the desktop app to use it.');
      }
      this.lockedByUser = false;
      if (this.file && !this.key) this.openWithKeyring();
      return;
    }
    if (typeof passphrase !== 'string' || passphrase.length === 0) throw new FlightdeckError('bad-input', 'Enter the vault passphrase.', { field: 'passphrase' });
    const file = this.file;
    if (!file) {
      await this.initialisePassphraseVault(passphrase, epoch);
      return;
    }
    if (file.kind !== 'passphrase') throw new FlightdeckError('internal', 'The vault file changed kind while open.');
    const key = await openDataKey(passphrase, file.kdf, file.id, file.dataKey);
    if (!key) throw new FlightdeckError('forbidden', 'Wrong passphrase: the vault stays locked.', { field: 'passphrase' });
    if (epoch !== this.epoch || this.file !== file) {
      key.fill(0);
      throw this.lockedWhileUnlocking();
    }
    this.redactor?.add(PASSPHRASE_SECRET_NAME, passphrase);
    if (this.key && timingSafeEqual(this.key, key)) {
      key.fill(0);
      return;
    }
    this.setKey(key);
  }

  private async initialisePassphraseVault(passphrase: string, epoch: number): Promise<void> {
    if (passphrase.length < MIN_PASSPHRASE_LENGTH) {
      throw new FlightdeckError('bad-input', `Choose a passphrase of at least ${MIN_PASSPHRASE_LENGTH} characters: it is all that protects the stored credentials.`, { field: 'passphrase' });
    }
    const id = randomBytes(16).toString('hex');
    const kdf = newScryptParams(this.scryptN);
    const dataKey = randomBytes(KEY_BYTES);
    const sealedKey = await sealDataKey(passphrase, kdf, id, dataKey);
    this.refresh();
    if (this.file || epoch !== this.epoch) {
      dataKey.fill(0);
      throw this.lockedWhileUnlocking();
    }
    this.redactor?.add(PASSPHRASE_SECRET_NAME, passphrase);
    this.write({ format: VAULT_FORMAT, version: VAULT_VERSION, id, kind: 'passphrase', kdf, dataKey: sealedKey, secrets: {} });
    this.setKey(dataKey);
  }

  private createKeyringVault(): void {
    if (!this.keyringUsable() || this.lockedByUser) throw this.lockedError('unlock it to add secrets');
    const id = randomBytes(16).toString('hex');
    const dataKey = randomBytes(KEY_BYTES);
    this.write({ format: VAULT_FORMAT, version: VAULT_VERSION, id, kind: 'safe-storage', dataKey: wrapDataKey(this.safeStorage!, dataKey), secrets: {} });
    this.setKey(dataKey);
  }

  private openWithKeyring(): void {
    const file = this.usableFile();
    if (file.kind !== 'safe-storage') throw new FlightdeckError('internal', 'The vault file changed kind while open.');
    this.setKey(unwrapDataKey(this.safeStorage!, file.dataKey));
  }

  private keyringUsable(): boolean {
    try {
      return !!this.safeStorage && this.safeStorage.isEncryptionAvailable();
    } catch {
      return false;
    }
  }

  private setKey(key: Buffer): void {
    if (this.key && this.key !== key) this.key.fill(0);
    this.key = key;
    this.values.clear();
    this.damagedNames.clear();
    this.decryptPending();
  }

  /** Decrypts every entry not yet decrypted, reporting each value to the redactor. */
  private decryptPending(): void {
    const file = this.file;
    if (!this.key || !file) return;
    for (const [name, sealed] of Object.entries(file.secrets)) {
      if (this.values.has(name) || this.damagedNames.has(name)) continue;
      const plain = open(this.key, sealed, entryAssociatedData(file.id, name, sealed.scope));
      if (!plain) {
        this.damagedNames.add(name);
        continue;
      }
      const value = plain.toString('utf8');
      plain.fill(0);
      this.redactor?.add(name, value);
      this.values.set(name, value);
    }
  }

  /**
   * Rereads the file when it changed on disk (another Flightdeck process,
   * or an edit): entries that changed are decrypted again, and a different
   * vault in its place locks this one.
   */
  private refresh(): void {
    let signature: string;
    try {
      const stat = statSync(this.path);
      signature = `${stat.ino}:${stat.size}:${stat.mtimeMs}`;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      signature = 'absent';
    }
    if (signature === this.fileSignature) return;
    this.fileSignature = signature;
    const before = this.file;
    try {
      this.file = readVaultFile(this.path);
      this.fileError = null;
    } catch (err) {
      if (!(err instanceof FlightdeckError)) throw err;
      this.file = null;
      this.fileError = err;
    }
    const after = this.file;
    if (after && this.kind && after.kind !== this.kind) {
      this.file = null;
      this.fileError = new FlightdeckError('conflict', `The vault file was replaced by a ${after.kind} vault while Flightdeck ran a ${this.kind} vault; restart Flightdeck to open it.`, { file: this.path });
    }
    if (!this.file || !before || this.file.id !== before.id) {
      // Nothing this key can open any more: another vault took its place, or none is left.
      this.lockKeyOnly();
      return;
    }
    const now = this.file;
    for (const name of new Set([...Object.keys(before.secrets), ...Object.keys(now.secrets)])) {
      if (!sameSealed(before.secrets[name], now.secrets[name])) {
        this.values.delete(name);
        this.damagedNames.delete(name);
      }
    }
    this.decryptPending();
  }

  /** The file vanished or became unreadable: nothing left to decrypt with this key. */
  private lockKeyOnly(): void {
    this.key?.fill(0);
    this.key = null;
    this.values.clear();
    this.damagedNames.clear();
  }

  private usableFile(): VaultFile {
    if (this.fileError) throw this.fileError;
    if (!this.file) throw this.lockedError('unlock it to use secrets');
    return this.file;
  }

  private requireKey(what: string): Buffer {
    if (!this.key && this.kind === 'safe-storage' && this.file && !this.lockedByUser && this.keyringUsable()) this.openWithKeyring();
    if (!this.key) throw this.lockedError(what);
    return this.key;
  }

  private lockedWhileUnlocking(): FlightdeckError {
    return new FlightdeckError('conflict', 'The vault was locked or changed while unlocking; unlock it again.');
  }

  private localOnly(name: string): FlightdeckError {
    return new FlightdeckError('forbidden', `Secret "${name}" is a key Flightdeck keeps for itself: it is never sent anywhere, so its scope cannot change. Delete it to let Flightdeck make a new one.`, { field: name });
  }

  private notFound(name: string): FlightdeckError {
    return new FlightdeckError('not-found', `The vault has no secret "${name}"; add it in Credentials.`, { field: name });
  }

  private lockedError(what: string): FlightdeckError {
    return new FlightdeckError('locked', `The vault is locked: ${what}.`);
  }

  private write(file: VaultFile): void {
    writeVaultFile(this.path, file);
    this.file = file;
    const stat = statSync(this.path);
    this.fileSignature = `${stat.ino}:${stat.size}:${stat.mtimeMs}`;
  }
}

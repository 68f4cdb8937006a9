import { createHash, createHmac, pbkdf2Sync, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * The server side of SCRAM-SHA-256 (RFC 5802 with SHA-256, RFC 7677), as MongoDB speaks it through
 * `saslStart` / `saslContinue`: user names are not SASLprep'd, the password is used directly for key
 * derivation (no MD5 digest as in SCRAM-SHA-1), and the client asks to skip the empty last exchange.
 * https://github.com/mongodb/specifications/blob/master/source/auth/auth.md#scram-sha-256
 *
 * The server keeps only the derived keys (StoredKey, ServerKey), never the password itself.
 */

export const SCRAM_MECHANISM = 'SCRAM-SHA-256';
/** MongoDB's default for SCRAM-SHA-256; drivers refuse fewer than 4096. */
export const SCRAM_ITERATIONS = 15_000;

export interface ScramCredential {
  readonly username: string;
  readonly salt: Buffer;
  readonly iterations: number;
  readonly storedKey: Buffer;
  readonly serverKey: Buffer;
}

const hmac = (key: Buffer, data: string | Buffer) => createHmac('sha256', key).update(data).digest();
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest();

/**
 * Derives the stored credential from a password. Generated passwords are ASCII letters and digits,
 * for which SASLprep is the identity; NFKC covers the normalisation part for any other password.
 */
export function deriveCredential(username: string, password: string, salt: Buffer = randomBytes(16), iterations = SCRAM_ITERATIONS): ScramCredential {
  const salted = pbkdf2Sync(Buffer.from(password.normalize('NFKC'), 'utf8'), salt, iterations, 32, 'sha256');
  return { username, salt, iterations, storedKey: sha256(hmac(salted, 'Client Key')), serverKey: hmac(salted, 'Server Key') };
}

/** Thrown for any failed or malformed exchange; the caller answers MongoDB's AuthenticationFailed. */
export class ScramError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'ScramError';
  }
}

/** `a=1,b=2` → {a: '1', b: '2'} (values may contain `=`). */
function attributes(message: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const part of message.split(',')) {
    const eq = part.indexOf('=');
    if (eq === 1) out.set(part[0]!, part.slice(2));
  }
  return out;
}

/** RFC 5802: `=2C` and `=3D` in a user name stand for `,` and `=`. */
function decodeUsername(name: string): string {
  return name.replace(/=2C/g, ',').replace(/=3D/g, '=');
}

/**
 * One authentication conversation on one connection: `start` answers the client-first message with
 * the server-first message; `finish` checks the client's proof and returns the server signature.
 */
export class ScramConversation {
  private state: 'new' | 'started' | 'done' = 'new';
  private clientFirstBare = '';
  private serverFirst = '';
  private nonce = '';
  private credential: ScramCredential | undefined;

  constructor(
    private readonly lookup: (username: string) => ScramCredential | undefined,
    private readonly serverNonce: () => string = () => randomBytes(24).toString('base64'),
  ) {}

  /** client-first-message (`n,,n=user,r=nonce`) → server-first-message (`r=…,s=…,i=…`). */
  start(clientFirst: string): string {
    if (this.state !== 'new') throw new ScramError('conversation already started');
    // gs2 header: no channel binding ("n") and no authzid, as MongoDB drivers send it.
    if (!clientFirst.startsWith('n,,')) throw new ScramError('unsupported gs2 header');
    this.clientFirstBare = clientFirst.slice(3);
    const attrs = attributes(this.clientFirstBare);
    const user = attrs.get('n');
    const clientNonce = attrs.get('r');
    if (!user || !clientNonce) throw new ScramError('malformed client-first message');
    this.credential = this.lookup(decodeUsername(user));
    // An unknown user still gets a well-formed challenge; the proof fails later, as in MongoDB, so
    // the answer does not tell which user names exist.
    const salt = this.credential?.salt ?? randomBytes(16);
    const iterations = this.credential?.iterations ?? SCRAM_ITERATIONS;
    this.nonce = clientNonce + this.serverNonce();
    this.serverFirst = `r=${this.nonce},s=${salt.toString('base64')},i=${iterations}`;
    this.state = 'started';
    return this.serverFirst;
  }

  /** client-final-message (`c=biws,r=…,p=proof`) → server-final-message (`v=signature`). */
  finish(clientFinal: string): { serverFinal: string; username: string } {
    if (this.state !== 'started') throw new ScramError('no conversation in progress');
    this.state = 'done';
    const proofAt = clientFinal.lastIndexOf(',p=');
    if (proofAt < 0) throw new ScramError('malformed client-final message');
    const withoutProof = clientFinal.slice(0, proofAt);
    const attrs = attributes(withoutProof);
    if (attrs.get('c') !== 'biws') throw new ScramError('channel binding is not supported');
    if (attrs.get('r') !== this.nonce) throw new ScramError('nonce mismatch');
    const proof = Buffer.from(clientFinal.slice(proofAt + 3), 'base64');
    const credential = this.credential;
    if (!credential || proof.length !== credential.storedKey.length) throw new ScramError('authentication failed');
    const authMessage = `${this.clientFirstBare},${this.serverFirst},${withoutProof}`;
    const clientSignature = hmac(credential.storedKey, authMessage);
    const clientKey = Buffer.alloc(proof.length);
    for (let i = 0; i < proof.length; i++) clientKey[i] = proof[i]! ^ clientSignature[i]!;
    if (!timingSafeEqual(sha256(clientKey), credential.storedKey)) throw new ScramError('authentication failed');
    return { serverFinal: `v=${hmac(credential.serverKey, authMessage).toString('base64')}`, username: credential.username };
  }
}

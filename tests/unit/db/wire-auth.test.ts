import { serialize } from 'bson';
import { describe, expect, it } from 'vitest';
import { ScramConversation, ScramError, deriveCredential } from '../../../src/db/embedded/scram.js';
import { InvalidMessageLengthError, MAX_MESSAGE_SIZE, MessageFramer, OP_MSG } from '../../../src/db/embedded/wire.js';

function opMsg(body: Record<string, unknown>): Buffer {
  const doc = serialize(body);
  const out = Buffer.alloc(21 + doc.length);
  out.writeInt32LE(out.length, 0);
  out.writeInt32LE(7, 4);
  out.writeInt32LE(OP_MSG, 12);
  out.set(doc, 21);
  return out;
}

describe('message framing', () => {
  it('copies each byte of a message split over many chunks once, however small the chunks', () => {
    const message = opMsg({ insert: 'c', $db: 'd', blob: Buffer.alloc(8 * 1024 * 1024, 7) });
    const framer = new MessageFramer();
    const got: Buffer[] = [];
    for (let off = 0; off < message.length; off += 1024) got.push(...framer.push(message.subarray(off, off + 1024)));
    expect(got).toHaveLength(1);
    expect(got[0]!.equals(message)).toBe(true);
    // Re-concatenating on every chunk, as before, copied ~message²/(2·chunk) = 32 GiB here.
    expect(framer.copiedBytes).toBe(message.length);
  });

  it('returns several messages from one chunk without copying, and a header split over chunks', () => {
    const a = opMsg({ ping: 1, $db: 'admin' });
    const b = opMsg({ hello: 1, $db: 'admin' });
    const framer = new MessageFramer();
    const both = Buffer.concat([a, b]);
    expect(framer.push(both.subarray(0, 2))).toEqual([]);
    expect(framer.push(both.subarray(2, a.length + 3))).toEqual([a]);
    expect(framer.push(both.subarray(a.length + 3))).toEqual([b]);
    expect(framer.copiedBytes).toBe(a.length + b.length); // each straddled two chunks: copied once
    const whole = new MessageFramer();
    expect(whole.push(both)).toEqual([a, b]);
    expect(whole.copiedBytes).toBe(0);
  });

  it("refuses a length over MongoDB's maxMessageSizeBytes as soon as the header's four bytes arrive", () => {
    const framer = new MessageFramer();
    const header = Buffer.alloc(4);
    header.writeInt32LE(64 * 1024 * 1024, 0);
    expect(() => framer.push(header)).toThrow(InvalidMessageLengthError);
    const ok = new MessageFramer();
    header.writeInt32LE(MAX_MESSAGE_SIZE, 0);
    expect(ok.push(header)).toEqual([]); // exactly the maximum is allowed; it waits for the rest
    const tiny = new MessageFramer();
    header.writeInt32LE(8, 0);
    expect(() => tiny.push(header)).toThrow('message length 8 is invalid (min 16, max 48000000)');
  });
});

describe('SCRAM-SHA-256 (server side)', () => {
  // The conversation of RFC 7677 section 3 (also in MongoDB's auth specification).
  const credential = deriveCredential('user', 'pencil', Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64'), 4096);
  const start = () =>
    new ScramConversation(
      (u) => (u === 'user' ? credential : undefined),
      () => '%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0',
    );

  it('answers the RFC 7677 example exchange with its server signature', () => {
    const conversation = start();
    expect(conversation.start('n,,n=user,r=rOprNGfwEbeRWgbNEkqO')).toBe(
      'r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096',
    );
    const { serverFinal, username } = conversation.finish(
      'c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=',
    );
    expect(serverFinal).toBe('v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=');
    expect(username).toBe('user');
  });

  it('refuses a wrong proof, a replayed nonce and an unknown user alike', () => {
    const wrong = start();
    wrong.start('n,,n=user,r=rOprNGfwEbeRWgbNEkqO');
    expect(() => wrong.finish('c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=')).toThrow(
      ScramError,
    );
    const otherNonce = start();
    otherNonce.start('n,,n=user,r=another');
    expect(() => otherNonce.finish('c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=')).toThrow(
      'nonce mismatch',
    );
    const stranger = start();
    expect(stranger.start('n,,n=mallory,r=abc')).toMatch(/^r=abc.+,s=.+,i=15000$/);
    expect(() => stranger.finish('c=biws,r=abc%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=')).toThrow('authentication failed');
  });
});

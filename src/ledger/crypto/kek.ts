import { createHash } from 'node:crypto';
import { open, seal, type Sealed } from './aes-gcm';
import { InvalidKekError } from './crypto.errors';

/** The key-encryption key: wraps every data-encryption key; never stored beside them. */
export class Kek {
  readonly id: string;

  private constructor(private readonly key: Buffer) {
    this.id = createHash('sha256').update('kyc-ledger/kek-id/v1').update(key).digest('hex').slice(0, 16);
  }

  static fromBase64(value: string): Kek {
    const key = Buffer.from(value, 'base64');
    if (key.length !== 32 || key.toString('base64') !== value.trim()) {
      throw new InvalidKekError('LEDGER_KEK must be exactly 32 bytes, base64-encoded');
    }
    return new Kek(key);
  }

  wrap(dek: Buffer, context: string): Sealed {
    return seal(this.key, dek, `kyc-ledger/dek/v1|${context}`);
  }

  unwrap(wrapped: Sealed, context: string): Buffer {
    try {
      return open(this.key, wrapped, `kyc-ledger/dek/v1|${context}`);
    } catch {
      throw new InvalidKekError('a data key does not unwrap with this key-encryption key');
    }
  }
}

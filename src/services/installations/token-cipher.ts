import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { AppError, ErrorCode } from "../../errors.ts";

const VERSION = "v1";
const IV_BYTES = 12;
const TAG_BYTES = 16;

/**
 * Encrypts tokens at rest with AES-256-GCM: a fresh 96-bit IV per token, and the GCM tag, so a
 * changed byte (or a different key) is detected instead of yielding a wrong token. The `context`
 * (e.g. `T123:bot`) is authenticated too, so a token copied into another workspace's record does
 * not open there. Ciphertexts look like `v1.<iv>.<tag>.<data>` (base64url).
 *
 * @example
 * const cipher = new TokenCipher(config.oauth.tokenKey);
 * const sealed = cipher.seal("xoxb-…", "T123:bot"); // "v1.…"
 * cipher.open(sealed, "T123:bot"); // "xoxb-…"
 */
export class TokenCipher {
  private readonly key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== 32) {
      throw new AppError(
        ErrorCode.ConfigInvalid,
        `TOKEN_ENCRYPTION_KEY should be 32 bytes, got ${key.length}`,
      );
    }
    this.key = Buffer.from(key);
  }

  seal(token: string, context = ""): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", this.key, iv);
    cipher.setAAD(Buffer.from(context, "utf8"));
    const data = Buffer.concat([cipher.update(token, "utf8"), cipher.final()]);
    const parts = [iv, cipher.getAuthTag(), data].map((b) => b.toString("base64url"));
    return [VERSION, ...parts].join(".");
  }

  /**
   * @throws {AppError} `token_undecryptable` when the value was sealed under another key or
   * context, or was changed (the message never contains the value).
   */
  open(sealed: string, context = ""): string {
    const [version, iv, tag, data, ...rest] = sealed.split(".");
    if (version !== VERSION || !iv || !tag || data === undefined || rest.length > 0) {
      throw undecryptable("it is not in the v1.<iv>.<tag>.<data> form");
    }
    try {
      const decipher = createDecipheriv("aes-256-gcm", this.key, Buffer.from(iv, "base64url"), {
        authTagLength: TAG_BYTES,
      });
      decipher.setAuthTag(Buffer.from(tag, "base64url"));
      decipher.setAAD(Buffer.from(context, "utf8"));
      return Buffer.concat([
        decipher.update(Buffer.from(data, "base64url")),
        decipher.final(),
      ]).toString("utf8");
    } catch (error) {
      throw undecryptable(
        "it was encrypted under a different TOKEN_ENCRYPTION_KEY, or for another workspace, or changed since",
        error,
      );
    }
  }
}

function undecryptable(why: string, cause?: unknown): AppError {
  return new AppError(
    ErrorCode.TokenUndecryptable,
    `a stored Slack token cannot be decrypted: ${why}. Use the TOKEN_ENCRYPTION_KEY it was stored with, or reinstall the app in that workspace`,
    cause === undefined ? undefined : { cause },
  );
}

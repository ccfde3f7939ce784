import { describe, expect, it } from "vitest";
import { TokenCipher } from "../../../src/services/installations/token-cipher.ts";

const key = Buffer.alloc(32, 1);
const token = "xoxb-1234-5678-abcdefghijklmnop";

describe("TokenCipher (AES-256-GCM)", () => {
  it("opens what it sealed; the sealed text does not contain the token, and differs each time", () => {
    const cipher = new TokenCipher(key);
    const a = cipher.seal(token);
    const b = cipher.seal(token);
    expect(a).not.toContain(token);
    expect(a).not.toContain("xoxb");
    expect(a).not.toBe(b);
    expect(cipher.open(a)).toBe(token);
    expect(cipher.open(b)).toBe(token);
  });

  it("detects a changed byte anywhere instead of returning a wrong token", () => {
    const cipher = new TokenCipher(key);
    const sealed = cipher.seal(token);
    const [version, iv, tag, data] = sealed.split(".") as [string, string, string, string];
    const flip = (part: string) => {
      const bytes = Buffer.from(part, "base64url");
      bytes[0] = (bytes[0] as number) ^ 1;
      return bytes.toString("base64url");
    };
    for (const tampered of [
      [version, iv, tag, flip(data)],
      [version, iv, flip(tag), data],
      [version, flip(iv), tag, data],
    ]) {
      expect(() => cipher.open(tampered.join("."))).toThrowError(/cannot be decrypted/);
    }
    expect(() => cipher.open("xoxb-plain")).toThrowError(/not in the v1/);
  });

  it("fails clearly under a different key, without showing the value", () => {
    const sealed = new TokenCipher(key).seal(token);
    try {
      new TokenCipher(Buffer.alloc(32, 2)).open(sealed);
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).toMatch(/different TOKEN_ENCRYPTION_KEY/);
      expect((error as Error).message).not.toContain(sealed);
      expect((error as { code?: string }).code).toBe("token_undecryptable");
    }
  });

  it("binds a token to its context: it does not open as another workspace's", () => {
    const cipher = new TokenCipher(key);
    const sealed = cipher.seal(token, "T1:bot");
    expect(cipher.open(sealed, "T1:bot")).toBe(token);
    expect(() => cipher.open(sealed, "T2:bot")).toThrowError(/for another workspace/);
  });

  it("refuses a key that is not 32 bytes", () => {
    expect(() => new TokenCipher(Buffer.alloc(16))).toThrowError(/32 bytes/);
  });
});

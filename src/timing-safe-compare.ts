/**
 * What the bundle gives Bolt in place of `tsscmp` to compare a request's signature with the one
 * it computed (see `nativeTimingSafeCompare` in src/cli/build-plugins.ts): Node's own constant-time
 * comparison. `tsscmp` predates it and compares two HMACs of the strings under a fresh random key,
 * which costs 32 random bytes and two HMACs, ~8 µs, on every request. Only the lengths are compared
 * in ordinary time: a Slack signature's length is public ("v0=" and 64 hex digits).
 *
 * @example
 * timeSafeCompare(signatureHeader, `v0=${expectedHex}`); // true only when equal
 */
import { timingSafeEqual } from "node:crypto";

export default function timeSafeCompare(a: unknown, b: unknown): boolean {
  const left = Buffer.from(String(a));
  const right = Buffer.from(String(b));
  return left.length === right.length && timingSafeEqual(left, right);
}

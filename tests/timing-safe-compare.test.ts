import { describe, expect, it } from "vitest";
import { signedHeaders } from "../src/dev/slack-requests.ts";
import timeSafeCompare from "../src/timing-safe-compare.ts";

describe("the signature comparison the bundle gives Bolt", () => {
  const body = "command=%2Fprep&text=behavioral";
  const signature = signedHeaders(body)["x-slack-signature"];

  it("accepts only the very same signature", () => {
    expect(timeSafeCompare(signature, `${signature}`)).toBe(true);
    const lastChanged = `${signature.slice(0, -1)}${signature.endsWith("0") ? "1" : "0"}`;
    expect(timeSafeCompare(lastChanged, signature)).toBe(false);
    expect(
      timeSafeCompare(signedHeaders(body, "f".repeat(32))["x-slack-signature"], signature),
    ).toBe(false);
  });

  it("refuses a signature of another length, or none", () => {
    expect(timeSafeCompare(signature.slice(0, -1), signature)).toBe(false);
    expect(timeSafeCompare(`${signature}0`, signature)).toBe(false);
    expect(timeSafeCompare("", signature)).toBe(false);
    expect(timeSafeCompare(undefined, signature)).toBe(false);
  });
});

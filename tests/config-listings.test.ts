import { describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.ts";

const base = {
  SLACK_BOT_TOKEN: "xoxb-1-2-abc",
  SLACK_SIGNING_SECRET: "0123456789abcdef0123456789abcdef",
};
const load = (env: Record<string, string | undefined>) => loadConfig(env as NodeJS.ProcessEnv, "");

describe("LISTINGS_POLL_MINUTES", () => {
  it("defaults to 30 and takes whole minutes from 1 to 1440", () => {
    expect(load(base).listingsPollMinutes).toBe(30);
    expect(load({ ...base, LISTINGS_POLL_MINUTES: " " }).listingsPollMinutes).toBe(30);
    expect(load({ ...base, LISTINGS_POLL_MINUTES: "5" }).listingsPollMinutes).toBe(5);
  });

  it("names what is wrong with it", () => {
    expect(() => load({ ...base, LISTINGS_POLL_MINUTES: "0" })).toThrowError(
      /LISTINGS_POLL_MINUTES should be 1-1440 \(how often followed listings are checked/,
    );
    expect(() => load({ ...base, LISTINGS_POLL_MINUTES: "half an hour" })).toThrowError(
      /LISTINGS_POLL_MINUTES should be a number of minutes/,
    );
    expect(() => load({ ...base, LISTINGS_POLL_MINUTES: "2.5" })).toThrowError(
      /LISTINGS_POLL_MINUTES should be a whole number of minutes/,
    );
  });
});

import { describe, expect, it } from "vitest";
import { ORGANIZER_CACHE_MS, Organizers } from "../../src/listeners/organizers.ts";

/** A users.info that answers from a table and counts its calls. */
function usersInfo(table: Record<string, { is_admin?: boolean; is_owner?: boolean }>) {
  const calls: string[] = [];
  return {
    calls,
    users: {
      info: async ({ user }: { user: string }) => {
        calls.push(user);
        return { user: table[user] ?? {} };
      },
    },
  };
}

describe("organizers", () => {
  it("ORGANIZER_IDS count without asking Slack; admins and owners count; members do not", async () => {
    const client = usersInfo({ UADMIN: { is_admin: true }, UOWNER: { is_owner: true } });
    const organizers = new Organizers(["ULISTED"], () => 0);
    expect(await organizers.check(client, "T", "ULISTED")).toBe(true);
    expect(client.calls).toEqual([]);
    expect(await organizers.check(client, "T", "UADMIN")).toBe(true);
    expect(await organizers.check(client, "T", "UOWNER")).toBe(true);
    expect(await organizers.check(client, "T", "UMEMBER")).toBe(false);
  });

  it("trusts Slack's answer briefly, then asks again (a demoted admin loses access)", async () => {
    const table: Record<string, { is_admin?: boolean }> = { U1: { is_admin: true } };
    const client = usersInfo(table);
    let now = 1_000_000;
    const organizers = new Organizers([], () => now);
    expect(await organizers.check(client, "T", "U1")).toBe(true);
    table.U1 = { is_admin: false };
    now += ORGANIZER_CACHE_MS - 1;
    expect(await organizers.check(client, "T", "U1")).toBe(true);
    expect(client.calls).toEqual(["U1"]);
    now += 1;
    expect(await organizers.check(client, "T", "U1")).toBe(false);
    expect(client.calls).toEqual(["U1", "U1"]);
  });

  it("lets nobody in when Slack cannot be asked", async () => {
    const organizers = new Organizers([], () => 0);
    const failing = {
      users: {
        info: async () => {
          throw new Error("ratelimited");
        },
      },
    };
    await expect(organizers.check(failing, "T", "U1")).rejects.toThrow("ratelimited");
  });
});

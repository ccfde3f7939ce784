import { z } from "zod";
import type { Store } from "../storage/store.ts";
import type { Installations } from "./installations.ts";

/**
 * Where a workspace's data lives, by collection, and how its keys name the workspace (`T123` is
 * the team id). Every collection the app opens is either here or in `KEPT` below;
 * tests/services/installations/retention.test.ts reads src/ and fails on one that is in neither.
 */
export const TEAM_DATA = {
  /** Keys `T123:…`: one record per workspace and channel, user, day or claim. */
  prefixed: [
    "progress", // T:user: checklist ticks
    "deadlines", // T:channel
    "channels", // T:channel: nudge settings and prompt rotation
    "tracker", // T:user: a student's applications
    "tracker-events", // T:day: the organizers' weekly counts
    "tracker-followups", // T:user:app:date: follow-up DM claims
    "pairs", // T:channel: mock-interview rounds, standing opt-ins and who met
    "listing-follows", // T:channel: the followed source, filters and who followed it
    "listing-ids", // T:channel: the ids in the source at the last poll
    "listing-posts", // T:channel:listing: posted listings (a 180-day TTL, too long to wait for)
    "listing-watched", // T:channel: posted listings watched for closing
    "listing-digests", // T:channel:ts: what each digest message listed
    "listing-leases", // T:channel:…: poll leases and "source down" notices (short TTLs)
    "uninstall-claims", // T:installedAt: the once-only uninstall claim
  ],
  /** Keys equal to the team id. */
  exact: ["deadline-channels", "gaps", "learned", "downvotes"],
  /** The scheduler's once-only claims, `<kind>:T:channel:…`, in "sent". */
  claims: {
    collection: "sent",
    kinds: [
      "weekly",
      "daily",
      "reminder",
      "pairs-signup",
      "pairs-skipped",
      "pairs-intro",
      "pairs-followup",
    ],
  },
  /** `{ teams: [T, …] }` records: the team is taken out. */
  registries: [{ collection: "learned-teams", key: "all" }],
  /** Lists of `T:…` keys (the tick's indexes): the workspace's keys are taken out. */
  keyLists: [
    { collection: "tracker-students", key: "all" }, // T:user with a tracker
    { collection: "listing-follow-index", key: "all" }, // T:channel following a source
  ],
  /** Records keyed by `T:…` (the tick's indexes): the workspace's keys are taken out. */
  keyMaps: [
    { collection: "schedules", key: "all" }, // T:channel with nudges on
    { collection: "pairs-schedules", key: "all" }, // T:channel with rounds on
  ],
  /** Records keyed by team id: the team is taken out (uninstalling already does; a purge makes sure). */
  teamMaps: [{ collection: "paused-workspaces", key: "all" }],
} as const;

/**
 * Collections the purge leaves alone, each with why: they hold no workspace's data, or the data
 * goes by itself (a TTL, or the uninstall). A new collection must go here or in `TEAM_DATA`.
 */
export const KEPT: Readonly<Record<string, string>> = {
  feedback:
    "👍/👎 counts per knowledge-base entry, shared by every workspace (voters by user id, with no team to tell them apart)",
  deliveries: "Slack event ids and click ids already handled: each forgotten after an hour (TTL)",
  "token-key-check": "one sealed canary for TOKEN_ENCRYPTION_KEY, shared by every workspace",
  installations:
    "the workspace's installation and tokens are deleted at uninstall; a purge must never delete a new installation",
  "uninstalled-workspaces":
    "the purge's own to-do list: Retention.purgeDue takes the workspace out once its data is gone",
  bench: "npm run bench's scratch records, in a throwaway store",
};

const Registry = z.object({ teams: z.array(z.string()) }).loose();
const KeyList = z.array(z.string());
const KeyMap = z.record(z.string(), z.unknown());

export interface PurgeLogger {
  info(message: string): void;
  error(message: string): void;
}

/**
 * Removes the data of workspaces uninstalled more than 30 days ago (everything in `TEAM_DATA`):
 * checklist ticks, deadlines, nudge and channel settings, tracked applications, mock-interview
 * pairs, followed listings and what was posted from them, unanswered questions, learned
 * phrasings, 👎 questions and the records of messages sent. Runs on the every-minute tick; a
 * workspace installed again before then keeps everything.
 *
 * @example
 * const retention = new Retention(store, installations, logger);
 * await retention.purgeDue(new Date());
 */
export class Retention {
  constructor(
    private readonly store: Store,
    private readonly installations: Installations,
    private readonly logger: PurgeLogger,
  ) {}

  /** Purges every workspace due at `now`; returns their team ids. */
  async purgeDue(now: Date): Promise<string[]> {
    const due = await this.installations.duePurges(now);
    for (const teamId of due) {
      const removed = await this.purge(teamId);
      await this.installations.purged(teamId);
      this.logger.info(
        `removed the data of workspace ${teamId} (uninstalled 30+ days ago): ${removed} records`,
      );
    }
    return due;
  }

  /**
   * Deletes every record of one workspace and takes it out of the shared indexes; returns how
   * many records and index entries went. Idempotent: run again after a failure half-way, it
   * removes what is left (and counts 0 when nothing is).
   */
  async purge(teamId: string): Promise<number> {
    const any = (name: string) => this.store.collection(name, z.unknown());
    const mine = (key: string) => key.startsWith(`${teamId}:`);
    let removed = 0;
    const remove = async (name: string, keys: readonly string[]) => {
      const collection = any(name);
      for (const key of keys) if (await collection.delete(key)) removed++;
    };
    // Indexes first: a tick between two steps then never finds a key whose record is half gone.
    for (const { collection: name, key } of TEAM_DATA.keyLists) {
      const list = this.store.collection(name, KeyList);
      if (!(await list.get(key))?.some(mine)) continue;
      let taken = 0;
      await list.update(key, (current = []) => {
        taken = current.filter(mine).length;
        return current.filter((k) => !mine(k));
      });
      removed += taken;
    }
    for (const { collection: name, key } of TEAM_DATA.keyMaps)
      removed += await this.dropKeys(name, key, mine);
    for (const { collection: name, key } of TEAM_DATA.teamMaps)
      removed += await this.dropKeys(name, key, (k) => k === teamId);
    for (const { collection: name, key } of TEAM_DATA.registries) {
      const registry = this.store.collection(name, Registry);
      if ((await registry.get(key))?.teams.includes(teamId)) {
        await registry.update(key, (current) => ({
          ...(current ?? {}),
          teams: (current?.teams ?? []).filter((t) => t !== teamId),
        }));
        removed++;
      }
    }
    for (const name of TEAM_DATA.prefixed) await remove(name, await any(name).keys(`${teamId}:`));
    for (const name of TEAM_DATA.exact) await remove(name, [teamId]);
    const { collection, kinds } = TEAM_DATA.claims;
    for (const kind of kinds)
      await remove(collection, await any(collection).keys(`${kind}:${teamId}:`));
    return removed;
  }

  /** Takes the keys `drop` picks out of the record `key` of `name`; returns how many went. */
  private async dropKeys(name: string, key: string, drop: (k: string) => boolean) {
    const index = this.store.collection(name, KeyMap);
    if (!Object.keys((await index.get(key)) ?? {}).some(drop)) return 0;
    let taken = 0;
    await index.update(key, (current = {}) => {
      const kept = Object.entries(current).filter(([k]) => !drop(k));
      taken = Object.keys(current).length - kept.length;
      return Object.fromEntries(kept);
    });
    return taken;
  }
}

/**
 * Who counts as an organizer of a study group: the workspace's admins and owners (as Slack's
 * users.info says), and the users listed in ORGANIZER_IDS. Features that show members' questions
 * (`/prep gaps`, `/prep learned`) ask this one module.
 */

/** The part of the Web API client this needs (Bolt's `client` fits). */
export interface UsersInfoClient {
  users: {
    info(args: { user: string }): Promise<{
      user?: { is_admin?: boolean; is_owner?: boolean; is_primary_owner?: boolean };
    }>;
  };
}

/** How long an admin/owner answer from Slack is trusted (a demoted admin loses access within it). */
export const ORGANIZER_CACHE_MS = 5 * 60 * 1000;
/** At most this many users' answers are remembered; the cache starts afresh beyond it. */
const CACHE_SIZE = 5000;

/**
 * Checks whether a user is an organizer, caching Slack's answer briefly so a review session of
 * many clicks costs one users.info call.
 *
 * @example
 * const organizers = new Organizers(config.organizerIds, () => clock.now());
 * if (!(await organizers.check(client, teamId, userId))) await respond(renderOrganizersOnly());
 */
export class Organizers {
  private readonly listed: ReadonlySet<string>;
  private readonly cache = new Map<string, { organizer: boolean; at: number }>();

  constructor(
    organizerIds: readonly string[],
    private readonly now: () => number = Date.now,
    private readonly ttlMs: number = ORGANIZER_CACHE_MS,
  ) {
    this.listed = new Set(organizerIds);
  }

  /**
   * True for users in ORGANIZER_IDS and for the workspace's admins and owners.
   *
   * @throws whatever users.info throws (the caller apologizes; nobody is let in by an error)
   */
  async check(client: UsersInfoClient, teamId: string, userId: string): Promise<boolean> {
    if (this.listed.has(userId)) return true;
    const key = `${teamId}:${userId}`;
    const cached = this.cache.get(key);
    if (cached && this.now() - cached.at < this.ttlMs) return cached.organizer;
    const { user } = await client.users.info({ user: userId });
    const organizer = Boolean(user?.is_admin || user?.is_owner || user?.is_primary_owner);
    if (this.cache.size >= CACHE_SIZE) this.cache.clear();
    this.cache.set(key, { organizer, at: this.now() });
    return organizer;
  }
}

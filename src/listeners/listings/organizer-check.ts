/**
 * "Organizers only" for `/listings follow` and `off`, behind a small interface so the app can
 * pass the shared organizers module (ORGANIZER_IDS plus admins and owners) where it has one.
 */

/** The part of the Web API client this needs (Bolt's `client` fits). */
export interface UsersInfoClient {
  users: {
    info(args: { user: string }): Promise<{
      user?: { is_admin?: boolean; is_owner?: boolean; is_primary_owner?: boolean };
    }>;
  };
}

export interface OrganizerCheck {
  /** True for an organizer; throws what users.info throws (nobody is let in by an error). */
  check(client: UsersInfoClient, teamId: string, userId: string): Promise<boolean>;
}

/**
 * The workspace's admins and owners (as users.info says), and the users listed.
 *
 * @example
 * const organizers = adminsAndListed(["U012ABCDEF"]);
 * await organizers.check(client, "T1", "U1");
 */
export function adminsAndListed(listed: readonly string[] = []): OrganizerCheck {
  const ids = new Set(listed);
  return {
    async check(client, _teamId, userId) {
      if (ids.has(userId)) return true;
      const { user } = await client.users.info({ user: userId });
      return Boolean(user?.is_admin || user?.is_owner || user?.is_primary_owner);
    },
  };
}

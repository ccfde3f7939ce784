import type { Installation, InstallationQuery, InstallationStore } from "@slack/bolt";
import { z } from "zod";
import { AppError, ErrorCode } from "../../errors.ts";
import type { Collection, Store } from "../storage/store.ts";
import type { TokenCipher } from "./token-cipher.ts";

/** A token as stored: always sealed by the TokenCipher (`v1.…`), never in clear. */
const Sealed = z.string().regex(/^v1\./, "should be an encrypted token");

const RecordSchema = z.object({
  teamId: z.string().optional(),
  teamName: z.string().optional(),
  enterpriseId: z.string().optional(),
  enterpriseName: z.string().optional(),
  enterpriseUrl: z.string().optional(),
  isEnterpriseInstall: z.boolean(),
  appId: z.string().optional(),
  bot: z
    .object({
      token: Sealed,
      refreshToken: Sealed.optional(),
      /** Seconds since the epoch (token rotation). */
      expiresAt: z.number().optional(),
      scopes: z.array(z.string()),
      id: z.string(),
      userId: z.string(),
    })
    .optional(),
  user: z.object({
    id: z.string(),
    scopes: z.array(z.string()).optional(),
    token: Sealed.optional(),
    refreshToken: Sealed.optional(),
    expiresAt: z.number().optional(),
  }),
  installedAt: z.string(),
});
export type InstallationRecord = z.infer<typeof RecordSchema>;

const PausedSchema = z.record(z.string(), z.object({ reason: z.string(), at: z.string() }));
const UninstalledSchema = z.record(z.string(), z.object({ at: z.string() }));

/** A workspace whose installation was removed just now, and when its data will be purged. */
export interface Uninstalled {
  teamId: string;
  at: number;
  purgeAt: number;
}

/**
 * Each workspace's installation ("Add to Slack"), in the app's store (SQLite or Redis), with every
 * token sealed by AES-256-GCM; Bolt's InstallProvider reads and writes it through the
 * InstallationStore methods. Also keeps which workspaces are paused (their token stopped working)
 * and which were uninstalled and when (their data is purged 30 days later).
 *
 * @example
 * const installations = new Installations(store, new TokenCipher(key));
 * new App({ ..., installationStore: installations });
 */
export class Installations implements InstallationStore {
  private readonly records: Collection<InstallationRecord>;
  private readonly paused: Collection<z.infer<typeof PausedSchema>>;
  private readonly uninstalled: Collection<z.infer<typeof UninstalledSchema>>;
  private readonly claims: Collection<string>;
  private readonly canary: Collection<string>;

  constructor(
    store: Store,
    private readonly cipher: TokenCipher,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.records = store.collection("installations", RecordSchema);
    this.paused = store.collection("paused-workspaces", PausedSchema);
    this.uninstalled = store.collection("uninstalled-workspaces", UninstalledSchema);
    this.claims = store.collection("uninstall-claims", z.string());
    this.canary = store.collection("token-key-check", Sealed);
  }

  /**
   * Checks at start-up that TOKEN_ENCRYPTION_KEY is the key the stored tokens were sealed with (a
   * small sealed value kept beside them), so a wrong key stops start-up with one clear line
   * instead of failing every workspace later. The first start stores it.
   *
   * @throws {AppError} `config_invalid` when the key is not the one in use.
   */
  async checkKey(): Promise<void> {
    const sealed = await this.canary.get("current");
    if (sealed === undefined) {
      await this.canary.claim("current", this.cipher.seal(KEY_CHECK, KEY_CHECK));
      return;
    }
    try {
      if (this.cipher.open(sealed, KEY_CHECK) === KEY_CHECK) return;
    } catch {
      // Reported below, with what to do.
    }
    throw new AppError(
      ErrorCode.ConfigInvalid,
      "InternPrep cannot start: TOKEN_ENCRYPTION_KEY is not the key the stored workspace tokens were encrypted with. Set the key they were stored with (from your backups); with a new key, every workspace has to install the app again",
    );
  }

  /** Saves a (re)installation: clears a pause and cancels a pending purge of that workspace. */
  async storeInstallation(installation: Installation): Promise<void> {
    const record = this.seal(installation);
    const key = keyOf(record);
    await this.records.set(key, record);
    if (record.teamId && !record.isEnterpriseInstall) {
      const teamId = record.teamId;
      await this.paused.update("all", ({ [teamId]: _, ...rest } = {}) => rest);
      await this.uninstalled.update("all", ({ [teamId]: _, ...rest } = {}) => rest);
    }
  }

  /**
   * The installation for an incoming request or a team, tokens decrypted.
   *
   * @throws {AppError} `not_installed` when the workspace has none; `token_undecryptable` when the
   * stored token was sealed under another key or changed.
   */
  async fetchInstallation(query: InstallationQuery<boolean>): Promise<Installation> {
    const key = keyOfQuery(query);
    const record = key ? await this.records.get(key) : undefined;
    if (!record) {
      throw new AppError(
        ErrorCode.NotInstalled,
        `InternPrep is not installed in ${key ?? "that workspace"}; install it from /slack/install`,
      );
    }
    return this.open(record);
  }

  async deleteInstallation(query: InstallationQuery<boolean>): Promise<void> {
    const key = keyOfQuery(query);
    if (key) await this.records.delete(key);
  }

  /** True when the workspace has an installation. */
  async has(teamId: string): Promise<boolean> {
    return (await this.records.get(teamId)) !== undefined;
  }

  /**
   * The app was uninstalled from a workspace, or its bot token revoked: removes the installation
   * and marks the workspace's data for removal in 30 days. Exactly once per installation across
   * retried and paired events (app_uninstalled and tokens_revoked both come): only the call that
   * claims it runs `turnOff` and gets the workspace back; the others get undefined. (Should the
   * process die between the claim and the delete, the installation's token is dead anyway: the
   * next nudge gets `token_revoked` and pauses the workspace.)
   */
  async uninstall(
    teamId: string,
    turnOff: () => Promise<void> = async () => {},
  ): Promise<Uninstalled | undefined> {
    const record = await this.records.get(teamId);
    if (!record) return undefined;
    const at = this.now();
    const claimed = await this.claims.claim(
      `${teamId}:${record.installedAt}`,
      at.toISOString(),
      RETAIN_MS,
    );
    if (!claimed) return undefined;
    const since = (
      await this.uninstalled.update("all", (all = {}) => ({
        ...all,
        [teamId]: all[teamId] ?? { at: at.toISOString() },
      }))
    )[teamId]?.at;
    await turnOff();
    await this.records.delete(teamId);
    await this.paused.update("all", ({ [teamId]: _, ...rest } = {}) => rest);
    const from = since ? Date.parse(since) : at.getTime();
    return { teamId, at: from, purgeAt: from + RETAIN_MS };
  }

  /** Pauses a workspace whose token Slack refused (until it is installed again). */
  async pause(teamId: string, reason: string): Promise<void> {
    await this.paused.update("all", (all = {}) => ({
      ...all,
      [teamId]: all[teamId] ?? { reason, at: this.now().toISOString() },
    }));
  }

  /** Workspaces paused because their token stopped working. */
  async pausedTeams(): Promise<ReadonlySet<string>> {
    return new Set(Object.keys((await this.paused.get("all")) ?? {}));
  }

  /** Uninstalled workspaces whose data is due for removal at `now` (30 days after). */
  async duePurges(now: Date): Promise<string[]> {
    const all = (await this.uninstalled.get("all")) ?? {};
    return Object.entries(all)
      .filter(([, { at }]) => Date.parse(at) + RETAIN_MS <= now.getTime())
      .map(([teamId]) => teamId);
  }

  /** Forgets an uninstalled workspace once its data has been purged. */
  async purged(teamId: string): Promise<void> {
    await this.uninstalled.update("all", ({ [teamId]: _, ...rest } = {}) => rest);
  }

  private seal(installation: Installation): InstallationRecord {
    const { bot, user, team, enterprise } = installation;
    // Each token is bound to its workspace and role, so it cannot be moved to another record.
    const owner = keyOfQuery({
      teamId: team?.id,
      enterpriseId: enterprise?.id,
      isEnterpriseInstall: installation.isEnterpriseInstall === true,
    });
    const seal = (token: string, role: string) => this.cipher.seal(token, `${owner}:${role}`);
    return {
      ...(team?.id ? { teamId: team.id } : {}),
      ...(team?.name ? { teamName: team.name } : {}),
      ...(enterprise?.id ? { enterpriseId: enterprise.id } : {}),
      ...(enterprise?.name ? { enterpriseName: enterprise.name } : {}),
      ...(installation.enterpriseUrl ? { enterpriseUrl: installation.enterpriseUrl } : {}),
      isEnterpriseInstall: installation.isEnterpriseInstall === true,
      ...(installation.appId ? { appId: installation.appId } : {}),
      ...(bot
        ? {
            bot: {
              token: seal(bot.token, "bot"),
              ...(bot.refreshToken ? { refreshToken: seal(bot.refreshToken, "bot-refresh") } : {}),
              ...(bot.expiresAt !== undefined ? { expiresAt: bot.expiresAt } : {}),
              scopes: bot.scopes,
              id: bot.id,
              userId: bot.userId,
            },
          }
        : {}),
      user: {
        id: user.id,
        ...(user.scopes ? { scopes: user.scopes } : {}),
        ...(user.token ? { token: seal(user.token, "user") } : {}),
        ...(user.refreshToken ? { refreshToken: seal(user.refreshToken, "user-refresh") } : {}),
        ...(user.expiresAt !== undefined ? { expiresAt: user.expiresAt } : {}),
      },
      installedAt: this.now().toISOString(),
    };
  }

  private open(record: InstallationRecord): Installation {
    const { bot, user } = record;
    const owner = keyOf(record);
    const open = (sealed: string, role: string) => this.cipher.open(sealed, `${owner}:${role}`);
    return {
      team: record.teamId
        ? { id: record.teamId, ...(record.teamName ? { name: record.teamName } : {}) }
        : undefined,
      enterprise: record.enterpriseId
        ? {
            id: record.enterpriseId,
            ...(record.enterpriseName ? { name: record.enterpriseName } : {}),
          }
        : undefined,
      isEnterpriseInstall: record.isEnterpriseInstall,
      authVersion: "v2",
      ...(record.appId ? { appId: record.appId } : {}),
      ...(record.enterpriseUrl ? { enterpriseUrl: record.enterpriseUrl } : {}),
      ...(bot
        ? {
            tokenType: "bot" as const,
            bot: {
              token: open(bot.token, "bot"),
              ...(bot.refreshToken ? { refreshToken: open(bot.refreshToken, "bot-refresh") } : {}),
              ...(bot.expiresAt !== undefined ? { expiresAt: bot.expiresAt } : {}),
              scopes: bot.scopes,
              id: bot.id,
              userId: bot.userId,
            },
          }
        : {}),
      user: {
        id: user.id,
        token: user.token ? open(user.token, "user") : undefined,
        scopes: user.scopes,
        ...(user.refreshToken ? { refreshToken: open(user.refreshToken, "user-refresh") } : {}),
        ...(user.expiresAt !== undefined ? { expiresAt: user.expiresAt } : {}),
      },
    };
  }
}

/** What the start-up key check seals. */
const KEY_CHECK = "internprep-token-key-check";

/** An uninstalled workspace's data is kept this long, then purged. */
export const RETAIN_MS = 30 * 24 * 60 * 60 * 1000;

/** Workspace installs are keyed by team id; org-wide installs by `enterprise:<id>`. */
function keyOf(record: InstallationRecord): string {
  if (record.isEnterpriseInstall && record.enterpriseId) return `enterprise:${record.enterpriseId}`;
  if (record.teamId) return record.teamId;
  throw new AppError(ErrorCode.NotInstalled, "an installation without a team or enterprise id");
}

function keyOfQuery(query: InstallationQuery<boolean>): string | undefined {
  if (query.isEnterpriseInstall && query.enterpriseId) return `enterprise:${query.enterpriseId}`;
  return query.teamId;
}

/**
 * The one workspace this app is installed in (single-workspace mode), learned from `auth.test` at
 * start-up: the bot token is checked before anything is served, and requests from any other
 * workspace are refused. Multi-workspace installs replace `installedWorkspaceOnly` with an
 * installation store.
 */
import type { Authorize } from "@slack/bolt";
import type { WebClient } from "@slack/web-api";
import { AppError, ErrorCode } from "../errors.ts";
import { slackErrorCode } from "../slack-errors.ts";

export interface Installation {
  teamId: string;
  enterpriseId: string | undefined;
  /** An org-wide install on Enterprise Grid: requests are matched by enterprise. */
  isEnterpriseInstall: boolean;
  botUserId: string | undefined;
  botId: string | undefined;
}

/** What Slack's auth.test error means for whoever runs the app, and what to do. */
const TOKEN_PROBLEMS: Record<string, string> = {
  invalid_auth: "is not a valid token for any workspace",
  not_authed: "was not sent",
  token_revoked: "has been revoked (the app was uninstalled or the token regenerated)",
  token_expired: "has expired",
  account_inactive: "belongs to a deactivated bot or workspace",
  no_permission: "lacks a permission auth.test needs",
};

/**
 * Asks Slack who the bot token belongs to.
 *
 * @throws {AppError} `slack_auth_failed` with one line saying what Slack answered and what to do.
 * @example
 * const installation = await checkBotToken(client); // { teamId: "T0001", … }
 */
export async function checkBotToken(client: WebClient): Promise<Installation> {
  let result: Awaited<ReturnType<WebClient["auth"]["test"]>>;
  try {
    result = await client.auth.test();
  } catch (error) {
    const code = slackErrorCode(error);
    const problem = code ? TOKEN_PROBLEMS[code] : undefined;
    const detail = problem
      ? `SLACK_BOT_TOKEN ${problem} (Slack answered ${code}). Reinstall the app or copy its Bot User OAuth Token again (Slack app settings → OAuth & Permissions) into SLACK_BOT_TOKEN.`
      : `could not check SLACK_BOT_TOKEN with Slack (${error instanceof Error ? error.message : String(error)}). Check the network (and SLACK_API_URL, if set) and start again.`;
    throw new AppError(ErrorCode.SlackAuthFailed, `InternPrep cannot start: ${detail}`, {
      cause: error,
    });
  }
  if (!result.team_id) {
    throw new AppError(
      ErrorCode.SlackAuthFailed,
      "InternPrep cannot start: Slack's auth.test did not name a workspace for SLACK_BOT_TOKEN; use the Bot User OAuth Token (xoxb-…).",
    );
  }
  return {
    teamId: result.team_id,
    enterpriseId: result.enterprise_id || undefined,
    isEnterpriseInstall: result.is_enterprise_install === true,
    botUserId: result.user_id,
    botId: result.bot_id,
  };
}

/**
 * Whether a request comes from the installed workspace: the same team, or (for an org-wide
 * install) the same enterprise. Team ids are unique across Slack.
 *
 * @example
 * isInstalledWorkspace(installation, { teamId: "T0001" }); // true
 */
export function isInstalledWorkspace(
  installation: Installation,
  source: { teamId?: string | undefined; enterpriseId?: string | undefined },
): boolean {
  if (source.enterpriseId && source.enterpriseId !== installation.enterpriseId) return false;
  if (installation.isEnterpriseInstall) {
    return source.enterpriseId !== undefined && source.enterpriseId === installation.enterpriseId;
  }
  return source.teamId !== undefined && source.teamId === installation.teamId;
}

/**
 * Bolt's `authorize` for single-workspace mode: the bot token for the installed workspace, and a
 * refusal for any other (Bolt then acknowledges the request and calls no listener).
 */
export function installedWorkspaceOnly(
  botToken: string,
  installed: () => Installation | undefined,
): Authorize<boolean> {
  return async (source) => {
    const installation = installed();
    if (!installation || !isInstalledWorkspace(installation, source)) {
      throw new AppError(
        ErrorCode.WrongWorkspace,
        `refused a request from workspace ${source.teamId ?? "?"}${source.enterpriseId ? ` (enterprise ${source.enterpriseId})` : ""}: this app is installed in ${installation?.teamId ?? "no workspace yet"}`,
      );
    }
    return {
      botToken,
      botId: installation.botId,
      botUserId: installation.botUserId,
    };
  };
}

import type { ServerResponse } from "node:http";
import type { AppOptions, Logger } from "@slack/bolt";
import type { Config, OAuthConfig } from "../../config.ts";
import type { Services } from "../../services/index.ts";
import type { EventArgs, EventRoutes } from "../events/index.ts";
import { renderInstalledPage, renderInstallFailedPage, renderInstallPage } from "./pages.ts";

/** The bot scopes the app asks for; the same list as manifest.yml (a test checks). */
export const BOT_SCOPES = [
  "app_mentions:read",
  "channels:history",
  "channels:read",
  "chat:write",
  "commands",
  "files:write",
  "groups:history",
  "groups:read",
  "im:history",
  "im:read",
  "im:write",
  "mpim:history",
  "mpim:read",
  "mpim:write",
  "users:read",
] as const;

export const INSTALL_PATH = "/slack/install";
export const REDIRECT_PATH = "/slack/oauth_redirect";

function html(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, {
    "content-type": "text/html; charset=utf-8",
    "cache-control": "no-store",
  });
  res.end(body);
}

/**
 * Bolt's options for multi-workspace mode: its OAuth flow with our installation store, install
 * page and result pages. With SLACK_API_URL set (a local stand-in), Slack's authorize page is the
 * stand-in's too, so the whole install flow runs locally.
 *
 * @example
 * new App({ ...common, ...oauthAppOptions(config, config.oauth, services) });
 */
export function oauthAppOptions(
  config: Config,
  oauth: OAuthConfig,
  installations: NonNullable<Services["installations"]>,
): Pick<
  AppOptions,
  "clientId" | "clientSecret" | "stateSecret" | "scopes" | "installationStore" | "installerOptions"
> {
  return {
    clientId: oauth.clientId,
    clientSecret: oauth.clientSecret,
    stateSecret: oauth.stateSecret,
    scopes: [...BOT_SCOPES],
    installationStore: installations,
    installerOptions: {
      installPath: INSTALL_PATH,
      redirectUriPath: REDIRECT_PATH,
      directInstall: false,
      renderHtmlForInstallPath: renderInstallPage,
      ...(config.slackApiUrl
        ? { authorizationUrl: new URL("../oauth/v2/authorize", config.slackApiUrl).toString() }
        : {}),
      callbackOptions: {
        success: (installation, _options, _req, res) =>
          html(
            res,
            200,
            renderInstalledPage({
              teamName: installation.team?.name,
              teamId: installation.team?.id,
              appId: installation.appId,
            }),
          ),
        failure: (error, _options, _req, res) =>
          html(res, 400, renderInstallFailedPage(error.code)),
      },
    },
  };
}

/**
 * `app_uninstalled` and `tokens_revoked` (the bot's token), as routes of the events table: the
 * workspace's installation is deleted and its nudges turned off, once, whichever comes first and
 * however often Slack retries; its other data is purged 30 days later by the tick. None in
 * single-workspace mode.
 */
export function uninstallRoutes(services: Services): EventRoutes {
  const { installations, channels } = services;
  if (!installations) return {};
  const uninstall = async (teamId: string | undefined, why: string, logger: Logger) => {
    if (!teamId) return;
    const done = await installations.uninstall(teamId, async () => {
      for (const channel of await channels.scheduled()) {
        if (channel.teamId === teamId) await channels.pause(teamId, channel.channelId, why);
      }
    });
    if (done) {
      logger.info(
        `InternPrep was removed from workspace ${teamId} (${why}): its token is deleted and nudges are off; its data is removed on ${new Date(done.purgeAt).toISOString().slice(0, 10)} unless it is installed again`,
      );
    }
  };
  return {
    app_uninstalled: async ({ context, body, logger }: EventArgs<"app_uninstalled">) => {
      await uninstall(context.teamId ?? body.team_id, "app_uninstalled", logger);
    },
    tokens_revoked: async ({ event, context, body, logger }: EventArgs<"tokens_revoked">) => {
      // Only the bot's token matters: a revoked user token (we ask for none) changes nothing.
      if ((event.tokens.bot ?? []).length === 0) return;
      await uninstall(context.teamId ?? body.team_id, "tokens_revoked", logger);
    },
  };
}

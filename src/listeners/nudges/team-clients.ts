import { LogLevel } from "@slack/bolt";
import { InstallProvider } from "@slack/oauth";
import type { WebClient } from "@slack/web-api";
import type { Config, OAuthConfig } from "../../config.ts";
import type { Installations } from "../../services/installations/installations.ts";
import { slackClientOptions } from "../../slack-transport.ts";
import { type ClientFor, createNudgeClient } from "./deliver.ts";

/** Clients kept per token; more than this and the oldest are dropped. */
const MAX_CLIENTS = 1000;

/**
 * Multi-workspace mode: the client of a workspace's own installation, for work no Slack request
 * started (the cron tick's nudges). Goes through Bolt's InstallProvider, so a rotating token about
 * to expire is refreshed (and stored) first. Undefined when the app is not installed there.
 *
 * @example
 * const deliver = createDeliver(createTeamClients(config, config.oauth, installations));
 */
export function createTeamClients(
  config: Config,
  oauth: OAuthConfig,
  installations: Installations,
): ClientFor {
  const provider = new InstallProvider({
    clientId: oauth.clientId,
    clientSecret: oauth.clientSecret,
    installationStore: installations,
    // Only authorize() is used here; Bolt's own provider runs the install pages.
    stateSecret: oauth.stateSecret,
    logLevel: LogLevel.WARN,
    clientOptions: slackClientOptions(config),
  });
  const clients = new Map<string, WebClient>();
  return async (teamId) => {
    if (!(await installations.has(teamId))) return undefined;
    const { botToken } = await provider.authorize({
      teamId,
      enterpriseId: undefined,
      isEnterpriseInstall: false,
    });
    if (!botToken) return undefined;
    let client = clients.get(botToken);
    if (!client) {
      if (clients.size >= MAX_CLIENTS) clients.delete(clients.keys().next().value as string);
      client = createNudgeClient(config, undefined, botToken);
      clients.set(botToken, client);
    }
    return client;
  };
}

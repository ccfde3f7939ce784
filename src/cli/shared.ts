import { BUNDLED_KB_DIR } from "../services/knowledge-base/load.ts";

/**
 * The knowledge-base folders the command-line tools read: the bundled one, then KB_DIR if set.
 * The CLIs run without Slack credentials, so they read only this one variable rather than the
 * app's full config.
 */
export function knowledgeBaseDirs(env: NodeJS.ProcessEnv = process.env): string[] {
  const extra = env.KB_DIR?.trim();
  return extra ? [BUNDLED_KB_DIR, extra] : [BUNDLED_KB_DIR];
}

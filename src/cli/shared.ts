import { kbDirFromEnv } from "../config.ts";
import { BUNDLED_KB_DIR } from "../services/knowledge-base/load.ts";

/** The knowledge-base folders the command-line tools read: the bundled one, then KB_DIR if set. */
export function knowledgeBaseDirs(): string[] {
  const extra = kbDirFromEnv();
  return extra ? [BUNDLED_KB_DIR, extra] : [BUNDLED_KB_DIR];
}

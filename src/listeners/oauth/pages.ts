/**
 * The plain HTML pages of "Add to Slack": the install page with the button, and what the browser
 * sees after Slack sends it back. Pure: values in, a page out; every value is HTML-escaped here.
 */

/** What happens to a workspace's data after an uninstall (said on the install page and README). */
export const RETENTION_NOTE =
  "If you uninstall InternPrep (or revoke its token), its token for your workspace is deleted at once and weekly nudges stop. The rest of your workspace's data (checklist ticks, tracked applications, deadlines, nudge schedules, mock-interview pairs, followed listings and the listings posted, unanswered questions, learned phrasings and 👎 questions) is kept for 30 days, so installing it again within that time brings it back, and is then removed for good.";

export function escapeHtml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;")
    .replaceAll("'", "&#39;");
}

const STYLE = `
  body { font: 16px/1.5 system-ui, sans-serif; color: #1d1c1d; background: #f8f8f8; margin: 0; }
  main { max-width: 40rem; margin: 3rem auto; padding: 2rem; background: #fff; border-radius: 8px;
         box-shadow: 0 1px 3px rgba(0,0,0,.15); }
  h1 { margin-top: 0; color: #1f4e79; }
  code { background: #f2f2f2; padding: .1rem .3rem; border-radius: 3px; }
  a.add { display: inline-flex; align-items: center; gap: .5rem; padding: .6rem 1.1rem;
          border: 1px solid #ddd; border-radius: 6px; color: #1d1c1d; font-weight: 700;
          text-decoration: none; background: #fff; }
  a.add:hover { box-shadow: 0 1px 4px rgba(0,0,0,.2); }
  .note { font-size: .9rem; color: #616061; }
`;

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body}
</main>
</body>
</html>
`;
}

/** The page at GET /slack/install: what InternPrep does, the button, and what an uninstall keeps. */
export function renderInstallPage(authorizeUrl: string): string {
  return page(
    "Add InternPrep to Slack",
    `<h1>InternPrep</h1>
<p>Skill checklists, interview prep and deadline nudges for internship study groups.</p>
<p><a class="add" id="add-to-slack" href="${escapeHtml(authorizeUrl)}">&#x2795; Add to Slack</a></p>
<p>Slack asks you to allow InternPrep to read messages sent to it, post in channels it is invited to,
look through its own recent posts there (so a weekly nudge is never posted twice), and see which
channels you are in and your timezone (for deadlines and the Home tab).</p>
<h2>Your data</h2>
<p class="note" id="retention">${escapeHtml(RETENTION_NOTE)}</p>`,
  );
}

/** The page after a successful install: where it is installed, and what to do next. */
export function renderInstalledPage(install: {
  teamName?: string | undefined;
  teamId?: string | undefined;
  appId?: string | undefined;
}): string {
  const where = install.teamName ?? install.teamId ?? "your workspace";
  const open =
    install.appId && install.teamId
      ? `<p><a class="add" href="https://slack.com/app_redirect?app=${encodeURIComponent(install.appId)}&amp;team=${encodeURIComponent(install.teamId)}">Open InternPrep in Slack</a></p>`
      : "";
  return page(
    "InternPrep is installed",
    `<h1>InternPrep is installed in ${escapeHtml(where)}</h1>
<p>What to do next:</p>
<ol>
<li>In your study group's channel, invite the bot: <code>/invite @InternPrep</code></li>
<li>Try <code>/skills</code> to pick a role and tick what you can already show, or <code>/prep behavioral</code> for interview tips.</li>
<li>Keep the group's deadlines: <code>/deadlines add 2026-12-15 Acme ML intern</code>, and a weekly nudge: <code>/nudges on monday 09:00</code></li>
<li>DM the bot any interview-prep question, and open its Home tab to see your progress.</li>
</ol>
${open}
<p class="note">${escapeHtml(RETENTION_NOTE)}</p>`,
  );
}

/** Why an install did not complete, in words the installer can act on, with a way to start over. */
export function renderInstallFailedPage(code: string | undefined): string {
  const why =
    code === "slack_oauth_installer_authorization_error"
      ? "The installation was cancelled in Slack, so nothing was installed."
      : code === "slack_oauth_invalid_state" || code === "slack_oauth_missing_state"
        ? "This install link has expired, or was opened in a different browser from the one that started it."
        : code === "slack_oauth_missing_code"
          ? "Slack did not send back an authorization code."
          : "Slack did not confirm the installation; nothing was installed.";
  return page(
    "InternPrep was not installed",
    `<h1>InternPrep was not installed</h1>
<p>${escapeHtml(why)}</p>
<p><a class="add" href="/slack/install">Start again</a></p>`,
  );
}

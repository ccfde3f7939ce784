import { DateTime } from "luxon";
import { z } from "zod";
import type { NudgeTag } from "../nudges/scheduler.ts";
import type { PostOutcome } from "../nudges/sender.ts";
import type { Collection, Store } from "../storage/store.ts";
import type { Application, Tracker } from "./tracker.ts";

/** An application that has sat at `applied` this many days gets one "Heard back?" DM. */
export const FOLLOW_UP_DAYS = 21;
/** Follow-ups go out between these local hours, never at night. */
const FROM_HOUR = 9;
const UNTIL_HOUR = 21;
/** The scan of every student runs at most this often (the tick itself runs every minute). */
export const SCAN_EVERY_MS = 10 * 60_000;

/** One "Heard back from Acme?" DM, for the deliverer to render and post. */
export interface FollowUp {
  kind: "follow-up";
  teamId: string;
  userId: string;
  /** Where it is posted: the student's user id, which opens their DM with the bot. */
  channelId: string;
  application: Application;
  days: number;
}

const ClaimSchema = z.object({ state: z.enum(["sending", "sent", "failed"]), at: z.string() });

/** Errors worth another try on a later scan; anything else (e.g. the user is gone) is final. */
const TRANSIENT =
  /^(ratelimited|http_5\d\d|request_failed|internal_error|fatal_error|service_unavailable)$|ECONN|ETIMEDOUT|socket/i;

export interface FollowUpReport {
  sent: number;
  failed: number;
}

/**
 * Sends each student, once, a DM about every application that has sat at `applied` for 21 days,
 * unless they turned `/track reminders off`. Driven by the every-minute nudge tick.
 *
 * Exactly once: each DM is claimed in the store (`tracker-followups`, one key per application and
 * applied date) before it is sent; another tick or another process finds the claim. If Slack
 * answers with a passing error the claim is released for a later scan; a crash between the claim
 * and Slack's answer loses that one DM rather than ever sending it twice.
 *
 * @example
 * const followUps = new FollowUps({ store, tracker, deliver, clock });
 * await followUps.tick(new Date());
 */
export class FollowUps {
  private readonly claims: Collection<z.infer<typeof ClaimSchema>>;
  private lastScan = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly deps: {
      store: Store;
      tracker: Tracker;
      /** Posts it, tagged (as nudges are) with its claim. */
      deliver: (content: FollowUp, tag: NudgeTag) => Promise<PostOutcome>;
      logger: { warn(message: string): void };
    },
  ) {
    this.claims = deps.store.collection("tracker-followups", ClaimSchema);
  }

  /** One pass over every student, at most every 10 minutes; `force` scans regardless. */
  async tick(now: Date, force = false): Promise<FollowUpReport> {
    const report: FollowUpReport = { sent: 0, failed: 0 };
    if (!force && now.getTime() - this.lastScan < SCAN_EVERY_MS) return report;
    this.lastScan = now.getTime();
    for (const studentKey of await this.deps.tracker.studentKeys()) {
      const student = await this.deps.tracker.byKey(studentKey);
      if (!student?.reminders) continue;
      const local = DateTime.fromJSDate(now, { zone: student.timezone });
      if (local.hour < FROM_HOUR || local.hour >= UNTIL_HOUR) continue;
      const [teamId = "", userId = ""] = studentKey.split(":");
      for (const application of student.items) {
        const applied = application.dates.applied;
        if (application.stage !== "applied" || !applied) continue;
        const days = Math.floor(
          local.startOf("day").diff(DateTime.fromISO(applied, { zone: student.timezone }), "days")
            .days,
        );
        if (days < FOLLOW_UP_DAYS) continue;
        const claim = `${studentKey}:${application.id}:${applied}`;
        if (!(await this.claims.claim(claim, { state: "sending", at: now.toISOString() })))
          continue;
        const outcome = await this.deps
          .deliver(
            { kind: "follow-up", teamId, userId, channelId: userId, application, days },
            { id: `follow-up:${claim}`, since: now.getTime(), teamId },
          )
          .catch((error: unknown): PostOutcome => ({ ok: false, error: String(error) }));
        if (outcome.ok) {
          report.sent++;
          await this.claims.set(claim, { state: "sent", at: now.toISOString() });
          continue;
        }
        report.failed++;
        if (TRANSIENT.test(outcome.error)) {
          await this.claims.delete(claim);
          this.deps.logger.warn(`follow-up ${claim}: ${outcome.error}; will try again later`);
        } else {
          await this.claims.set(claim, { state: "failed", at: now.toISOString() });
          this.deps.logger.warn(`follow-up ${claim}: ${outcome.error}; not retried`);
        }
      }
    }
    return report;
  }
}

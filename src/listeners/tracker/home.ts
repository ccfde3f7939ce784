import type { HomeTracker } from "../../blocks/tracker.ts";
import type { Services } from "../../services/index.ts";
import { daysUntil } from "../../services/scheduling/time.ts";

/** The student's own tracker for their Home tab: recent first, saved ones' deadlines soonest first. */
export async function trackerHome(
  services: Services,
  teamId: string,
  userId: string,
): Promise<HomeTracker> {
  // Both read the same record: asked for together, the store reads it once.
  const [student, applications] = await Promise.all([
    services.tracker.get(teamId, userId),
    services.tracker.list(teamId, userId),
  ]);
  const now = new Date(services.clock.now());
  const savedDeadlines = applications
    .filter((a) => a.stage === "saved" && a.deadline)
    .map((application) => ({
      application,
      daysLeft: daysUntil(application.deadline?.date ?? "", now, student.timezone),
    }))
    .filter((s) => s.daysLeft >= 0)
    .sort((a, b) => a.daysLeft - b.daysLeft);
  return { applications, savedDeadlines };
}

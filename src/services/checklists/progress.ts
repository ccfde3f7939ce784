import { z } from "zod";
import type { Role } from "../knowledge-base/schema.ts";
import type { Collection, Store } from "../storage/store.ts";

const ProgressSchema = z.object({
  /** Ticked checklist item ids by role id. Ids of items later removed from a role are kept. */
  roles: z.record(z.string(), z.array(z.string())),
  updatedAt: z.string(),
});
type ProgressRecord = z.infer<typeof ProgressSchema>;

/** How far a user is through one role's checklist. */
export interface RoleProgress {
  roleId: string;
  ticked: ReadonlySet<string>;
  done: number;
  total: number;
}

/**
 * Each student's ticks on role checklists, per workspace and user.
 *
 * @example
 * const progress = new ChecklistProgress(store);
 * await progress.setTicks("T1", "U1", role, ["python", "git"], ["python"]);
 * (await progress.forRole("T1", "U1", role)).done; // 1
 */
export class ChecklistProgress {
  private readonly records: Collection<ProgressRecord>;

  constructor(
    store: Store,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.records = store.collection("progress", ProgressSchema);
  }

  /** The user's progress on one role. */
  async forRole(teamId: string, userId: string, role: Role): Promise<RoleProgress> {
    const record = await this.records.get(key(teamId, userId));
    return summarize(role, record?.roles[role.id] ?? []);
  }

  /**
   * The user's progress on every role they have ticked anything in, in the order they started
   * them (one read, however many roles).
   */
  async started(teamId: string, userId: string, roles: readonly Role[]): Promise<RoleProgress[]> {
    const record = await this.records.get(key(teamId, userId));
    const byId = new Map(roles.map((r) => [r.id, r]));
    return Object.entries(record?.roles ?? {}).flatMap(([roleId, ticked]) => {
      const role = byId.get(roleId);
      const progress = role ? summarize(role, ticked) : undefined;
      return progress && progress.done > 0 ? [progress] : [];
    });
  }

  /**
   * Replaces the ticks among `shown` (one checkbox group's items) with `selected`, leaving the
   * role's other items as they were. Unknown item ids are ignored.
   */
  async setTicks(
    teamId: string,
    userId: string,
    role: Role,
    shown: readonly string[],
    selected: readonly string[],
  ): Promise<RoleProgress> {
    const valid = new Set(role.checklist.map((item) => item.id));
    const shownSet = new Set(shown.filter((id) => valid.has(id)));
    const selectedSet = new Set(selected.filter((id) => shownSet.has(id)));
    const record = await this.records.update(key(teamId, userId), (current) => {
      const before = current?.roles[role.id] ?? [];
      const kept = before.filter((id) => !shownSet.has(id));
      const ticked = [...kept, ...[...selectedSet].filter((id) => !kept.includes(id))];
      return {
        roles: { ...current?.roles, [role.id]: ticked },
        updatedAt: this.now().toISOString(),
      };
    });
    return summarize(role, record.roles[role.id] ?? []);
  }
}

function key(teamId: string, userId: string): string {
  return `${teamId}:${userId}`;
}

function summarize(role: Role, ticked: readonly string[]): RoleProgress {
  const current = new Set(role.checklist.map((item) => item.id));
  const set = new Set(ticked.filter((id) => current.has(id)));
  return { roleId: role.id, ticked: set, done: set.size, total: role.checklist.length };
}

import { STAGES } from "./parse.ts";
import type { Application } from "./tracker.ts";

/** The CSV's columns: what the student typed, then the date each stage was reached. */
export const CSV_HEADER = ["company", "role", "link", "stage", ...STAGES.map((s) => `${s}_date`)];

/**
 * One field, quoted when it holds a comma, quote or line break. A field a spreadsheet would run as
 * a formula (starting with =, +, - or @) is prefixed with a quote mark so it stays text.
 */
function field(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/**
 * The student's applications as CSV (RFC 4180, CRLF line ends), oldest first.
 *
 * @example
 * toCsv([app]); // "company,role,link,stage,saved_date,…\r\nAcme,ML intern,,applied,,2026-11-23,…\r\n"
 */
export function toCsv(applications: readonly Application[]): string {
  const rows = [...applications]
    .sort((a, b) => (firstDate(a) + a.updatedAt).localeCompare(firstDate(b) + b.updatedAt))
    .map((a) => [a.company, a.role, a.url ?? "", a.stage, ...STAGES.map((s) => a.dates[s] ?? "")]);
  return [CSV_HEADER, ...rows].map((row) => `${row.map(field).join(",")}\r\n`).join("");
}

function firstDate(a: Application): string {
  return Object.values(a.dates).sort()[0] ?? "";
}

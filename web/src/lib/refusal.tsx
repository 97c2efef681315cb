/** A refused action: the error line, and the blockers or missing conditions it names. */

import { ApiError } from "../api/errors";
import type { Schemas } from "../api/client";
import { ErrorLine } from "./ui";

type Blocker = Schemas["Blocker"];

function isBlocker(value: unknown): value is Blocker {
  return typeof value === "object" && value !== null && "activity_id" in value && "reason" in value;
}

/** The blocker list an `eco_blocked` refusal carries (context.blockers). */
export function blockersOf(error: unknown): Blocker[] {
  if (!(error instanceof ApiError)) return [];
  const list = error.context["blockers"];
  return Array.isArray(list) ? list.filter(isBlocker) : [];
}

/** What is missing (approvals_missing, eco_not_ready: context.missing). */
export function missingOf(error: unknown): string[] {
  if (!(error instanceof ApiError)) return [];
  const list = error.context["missing"];
  return Array.isArray(list) ? list.map((m) => (typeof m === "string" ? m : JSON.stringify(m))) : [];
}

export function BlockerList(props: { blockers: Blocker[]; label?: string }) {
  if (props.blockers.length === 0) return null;
  return (
    <ul className="blockers" aria-label={props.label ?? "Blockers"}>
      {props.blockers.map((b) => (
        <li key={b.activity_id}>
          <strong>{b.name}</strong> — {b.state}, {b.reason.replace(/_/g, " ")}
          {b.assignee_role ? ` (role ${b.assignee_role})` : ""}
          {b.unmet_dependencies.length > 0 &&
            ` · waits for ${b.unmet_dependencies.map((d) => d.name).join(", ")}`}
        </li>
      ))}
    </ul>
  );
}

export function Refusal(props: { error: unknown }) {
  if (props.error === null || props.error === undefined) return null;
  const missing = missingOf(props.error);
  return (
    <div className="refusal">
      <ErrorLine error={props.error} />
      <BlockerList blockers={blockersOf(props.error)} label="Blockers of the refused action" />
      {missing.length > 0 && (
        <ul aria-label="Missing">
          {missing.map((m) => <li key={m}>{m}</li>)}
        </ul>
      )}
    </div>
  );
}

/** The ECO's BOM delta (P1-D): source and target side by side, colored by operation. */

import { api, ok, type Schemas } from "../api/client";
import { ErrorLine, useLoad } from "../lib/ui";

type Op = Schemas["DeltaOperationRead"];
type Values = Schemas["LineValues"];

function valueText(value: unknown): string {
  if (value === null || value === undefined || value === "") return "";
  if (Array.isArray(value)) return value.join(", ");
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

function side(values: Values | null | undefined, changed: Set<string>) {
  if (!values) return <span className="muted">—</span>;
  const fields: [string, unknown][] = [
    ["qty", values.quantity && `${values.quantity} ${values.uom ?? ""}`],
    ["find", values.find_num],
    ["refdes", values.refdes],
    ["notes", values.notes],
  ];
  return (
    <span>
      {fields.filter(([, v]) => valueText(v)).map(([k, v]) => (
        <span key={k} className={changed.has(k === "qty" ? "quantity" : k === "find" ? "find_num" : k) ? "changed-field" : ""}>
          {k} {valueText(v)}{" "}
        </span>
      ))}
    </span>
  );
}

function Row({ op }: { op: Op }) {
  const changed = new Set((op.changes ?? []).map((c) => c.field));
  const before = op.op === "add" ? null : (op.before ?? op.properties);
  const after = op.op === "remove" ? null : (op.after ?? op.properties);
  const name = `${op.child_number ?? op.line_key}${op.child_name ? " " + op.child_name : ""}`;
  return (
    <tr className={`delta-${op.op}`}>
      <td>{op.op}</td>
      <td>{op.path.join(" / ")}</td>
      <td className="left">{op.op !== "add" ? <><strong>{name}</strong> {side(before, changed)}</> : null}</td>
      <td className="right">{op.op !== "remove" ? <><strong>{name}</strong> {side(after, changed)}</> : null}</td>
      <td>
        {(op.changes ?? []).map((c) => (
          <div key={c.field}>{c.field}: {valueText(c.before) || "∅"} → {valueText(c.after) || "∅"}</div>
        ))}
      </td>
      <td><span className={`badge risk-${op.risk_level}`}>{op.risk_level}</span></td>
    </tr>
  );
}

export function EcoDelta(props: { ecoId: string; hasTarget: boolean; version: number }) {
  const changes = useLoad(
    () => (props.hasTarget
      ? ok(api.GET("/api/v1/eco/{eco_id}/bom-changes", { params: { path: { eco_id: props.ecoId } } }))
      : Promise.resolve(null)),
    [props.ecoId, props.hasTarget, props.version],
  );
  if (!props.hasTarget) return <p className="muted">No target revision yet: no BOM delta.</p>;
  const data = changes.data;
  return (
    <section aria-labelledby="delta-title">
      <h2 id="delta-title">BOM delta</h2>
      <ErrorLine error={changes.error} />
      {data && (
        <>
          <p className="muted">
            {data.source_number} rev {data.source_revision} → {data.target_number} rev {data.target_revision}:{" "}
            {data.delta.summary.add} added, {data.delta.summary.remove} removed, {data.delta.summary.update} changed · risk{" "}
            {data.delta.summary.overall_risk}
          </p>
          {data.delta.operations.length === 0 ? (
            <p className="muted">The target's BOM is the source's: no change.</p>
          ) : (
            <table className="grid delta">
              <caption>BOM delta, source on the left, target on the right</caption>
              <thead>
                <tr><th scope="col">Op</th><th scope="col">Path</th>
                  <th scope="col">Rev {data.source_revision} (source)</th><th scope="col">Rev {data.target_revision} (target)</th>
                  <th scope="col">Changes</th><th scope="col">Risk</th></tr>
              </thead>
              <tbody>{data.delta.operations.map((op) => <Row key={`${op.op}:${op.line_key}:${op.path.join("/")}`} op={op} />)}</tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}

/** The ECO's activities: the dependency DAG as an SVG with SLA colors, and their moves. */

import { useState } from "react";
import { api, ok, type Schemas } from "../api/client";
import { layout } from "../lib/dag";
import { ErrorLine, useLoad, when } from "../lib/ui";

type Activity = Schemas["ActivityRead"];
const W = 190;
const H = 54;
const GAP_X = 60;
const GAP_Y = 18;

function Dag(props: { activities: Activity[]; sla: Map<string, string> }) {
  const placed = layout(props.activities.map((a) => ({ id: a.id, dependsOn: a.depends_on })));
  const at = new Map(placed.map((p) => [p.id, p]));
  const layers = Math.max(1, ...placed.map((p) => p.layer + 1));
  const rows = Math.max(1, ...placed.map((p) => p.row + 1));
  const x = (l: number) => 10 + l * (W + GAP_X);
  const y = (r: number) => 10 + r * (H + GAP_Y);
  const names = props.activities.map((a) => `${a.name} (${a.state})`).join(", ");
  return (
    <svg className="dag" role="img" aria-label={`Activity graph: ${names}`}
      width={x(layers) - GAP_X + 10} height={y(rows) - GAP_Y + 10}>
      <defs>
        <marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto">
          <path d="M0,0 L10,5 L0,10 z" fill="#555" />
        </marker>
      </defs>
      {props.activities.flatMap((a) =>
        a.depends_on.filter((d) => at.has(d)).map((d) => {
          const from = at.get(d)!;
          const to = at.get(a.id)!;
          return <line key={`${d}>${a.id}`} x1={x(from.layer) + W} y1={y(from.row) + H / 2}
            x2={x(to.layer)} y2={y(to.row) + H / 2} stroke="#555" markerEnd="url(#arrow)" />;
        }),
      )}
      {props.activities.map((a) => {
        const p = at.get(a.id)!;
        const sla = props.sla.get(a.id) ?? (a.state === "completed" || a.state === "canceled" ? "closed" : "");
        return (
          <g key={a.id} transform={`translate(${x(p.layer)},${y(p.row)})`} className={`node state-${a.state} sla-${sla}`}>
            <rect width={W} height={H} rx={6} />
            <text x={8} y={20}>{a.name.length > 24 ? a.name.slice(0, 23) + "…" : a.name}</text>
            <text x={8} y={40} className="sub">{a.state}{sla && sla !== "closed" ? ` · ${sla.replace(/_/g, " ")}` : ""}</text>
          </g>
        );
      })}
    </svg>
  );
}

function ActivityRow(props: { activity: Activity; sla?: Schemas["ActivitySla"]; onDone: () => void }) {
  const a = props.activity;
  const options = useLoad(
    () => ok(api.GET("/api/v1/eco-activities/activity/{activity_id}/transitions", { params: { path: { activity_id: a.id } } })),
    [a.id, a.updated_at],
  );
  const [error, setError] = useState<unknown>(null);
  async function take(action: string) {
    setError(null);
    try {
      await ok(api.POST("/api/v1/eco-activities/activity/{activity_id}/transitions", {
        params: { path: { activity_id: a.id } },
        // the action is one the service just offered (GET transitions answers it as a string)
        body: { action: action as Schemas["ActivityTransition"]["action"] },
      }));
      props.onDone();
    } catch (caught) {
      setError(caught);
    }
  }
  const s = props.sla;
  return (
    <tr>
      <td>{a.name}{a.is_blocking ? "" : " (not blocking)"}</td>
      <td><span className={`state act-${a.state}`}>{a.state}</span></td>
      <td>{a.assignee_name ?? a.assignee_role ?? "—"}</td>
      <td>{when(a.due_at)}{s ? ` · ${s.sla_status.replace(/_/g, " ")}${s.hours_late ? `, ${s.hours_late} h late` : ""}${s.hours_left !== null && s.hours_left !== undefined ? `, ${s.hours_left} h left` : ""}` : ""}</td>
      <td>
        {options.data?.actions.map((o) => (
          <button key={o.action} type="button" onClick={() => take(o.action)} aria-label={`${o.action} ${a.name}`}>{o.action}</button>
        ))}
        <ErrorLine error={error} />
      </td>
    </tr>
  );
}

export function EcoActivities(props: { ecoId: string; version: number; onChange: () => void }) {
  const data = useLoad(async () => {
    const [list, sla] = await Promise.all([
      ok(api.GET("/api/v1/eco-activities/{eco_id}", { params: { path: { eco_id: props.ecoId }, query: { limit: 200 } } })),
      ok(api.GET("/api/v1/eco-activities/{eco_id}/sla", { params: { path: { eco_id: props.ecoId }, query: { limit: 200 } } })),
    ]);
    return { activities: list.items, sla };
  }, [props.ecoId, props.version]);
  const slaById = new Map((data.data?.sla.items ?? []).map((s) => [s.activity_id, s]));
  const reload = () => {
    data.reload();
    props.onChange();
  };
  return (
    <section aria-labelledby="act-title">
      <h2 id="act-title">Activities</h2>
      <ErrorLine error={data.error} />
      {data.data && data.data.activities.length === 0 && <p className="muted">No activities.</p>}
      {data.data && data.data.activities.length > 0 && (
        <>
          <p className="muted">
            SLA: {data.data.sla.counts.overdue} overdue, {data.data.sla.counts.due_soon} due soon,{" "}
            {data.data.sla.counts.on_track} on track, {data.data.sla.counts.no_due_date} undated
          </p>
          <div className="dag-wrap">
            <Dag activities={data.data.activities} sla={new Map([...slaById].map(([k, v]) => [k, v.sla_status]))} />
          </div>
          <table className="grid">
            <caption>Activities and their SLA</caption>
            <thead><tr><th scope="col">Activity</th><th scope="col">State</th><th scope="col">Assignee</th><th scope="col">Due</th><th scope="col">Actions</th></tr></thead>
            <tbody>
              {data.data.activities.map((a) => <ActivityRow key={a.id} activity={a} sla={slaById.get(a.id)} onDone={reload} />)}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

/** The ECO page: state, the caller's actions, blockers, BOM delta, activity DAG, history. */

import { useState } from "react";
import { ApiError } from "../api/errors";
import { api, download, ok, saveBlob, type Schemas } from "../api/client";
import { BlockerList, Refusal } from "../lib/refusal";
import { ErrorLine, Link, useLoad, when } from "../lib/ui";
import { EcoActivities } from "./EcoActivities";
import { EcoDelta } from "./EcoDelta";

type Eco = Schemas["EcoRead"];

function Actions(props: { eco: Eco; rev: string; onDone: (warnings: string[]) => void }) {
  const { eco } = props;
  const options = useLoad(
    () => ok(api.GET("/api/v1/eco/{eco_id}/transitions", { params: { path: { eco_id: eco.id } } })),
    [eco.id, props.rev],
  );
  const stages = useLoad(() => ok(api.GET("/api/v1/eco/stages", { params: { query: { limit: 100 } } })), []);
  const [comment, setComment] = useState("");
  const [stageId, setStageId] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function run(call: () => Promise<{ warnings?: string[] }>) {
    setBusy(true);
    setError(null);
    try {
      const answer = await call();
      setComment("");
      props.onDone(answer.warnings ?? []);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }
  // the action is one the service has just offered (GET transitions), so of the schema's enum
  const take = (action: string) =>
    run(() => ok(api.POST("/api/v1/eco/{eco_id}/transitions", {
      params: { path: { eco_id: eco.id } },
      body: { action: action as Schemas["EcoTransitionRequest"]["action"], comment: comment || undefined, stage_id: action === "move" ? stageId : undefined },
    })));
  const newRevision = () =>
    run(() => ok(api.POST("/api/v1/eco/{eco_id}/new-revision", { params: { path: { eco_id: eco.id } } })));

  const actions = options.data?.actions ?? [];
  const others = (stages.data?.items ?? []).filter((s) => s.id !== eco.stage_id && !s.is_final);
  return (
    <div className="panel" role="group" aria-label="ECO actions">
      <div className="actions">
        {!eco.target_item_id && eco.state === "draft" && (
          <button type="button" disabled={busy} onClick={newRevision}>Create target revision</button>
        )}
        {actions.some((a) => a.action === "approve" || a.action === "reject") && (
          <label>Comment<input value={comment} onChange={(e) => setComment(e.target.value)} /></label>
        )}
        {actions.filter((a) => a.action !== "move").map((a) => (
          <button key={a.action} type="button" disabled={busy} onClick={() => take(a.action)}
            className={a.action === "reject" || a.action === "cancel" ? "danger" : "primary"}>
            {a.action[0]!.toUpperCase() + a.action.slice(1)}
          </button>
        ))}
        {actions.some((a) => a.action === "move") && (
          <>
            <label>Stage
              <select value={stageId} onChange={(e) => setStageId(e.target.value)}>
                <option value="">choose…</option>
                {others.map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
              </select>
            </label>
            <button type="button" disabled={busy || !stageId} onClick={() => take("move")}>Move</button>
          </>
        )}
        {!options.loading && actions.length === 0 && eco.target_item_id && <span className="muted">No action for you now.</span>}
      </div>
      <Refusal error={error ?? options.error} />
    </div>
  );
}

function Approvals(props: { ecoId: string; version: number }) {
  const page = useLoad(() => ok(api.GET("/api/v1/eco/{eco_id}/approvals", { params: { path: { eco_id: props.ecoId }, query: { limit: 100 } } })), [props.ecoId, props.version]);
  return (
    <section aria-labelledby="appr-title">
      <h2 id="appr-title">Approvals</h2>
      <ErrorLine error={page.error} />
      {page.data?.items.length === 0 && <p className="muted">No decisions yet.</p>}
      <ul className="plain">
        {page.data?.items.map((a) => (
          <li key={a.id}><strong>{a.decision}</strong> by {a.user_name ?? a.user_id} (visit {a.stage_visit}) {when(a.created_at)}{a.comment ? ` — “${a.comment}”` : ""}</li>
        ))}
      </ul>
    </section>
  );
}

function History(props: { ecoId: string; version: number }) {
  const page = useLoad(() => ok(api.GET("/api/v1/eco/{eco_id}/events", { params: { path: { eco_id: props.ecoId }, query: { limit: 100 } } })), [props.ecoId, props.version]);
  return (
    <section aria-labelledby="hist-title">
      <h2 id="hist-title">History</h2>
      <ErrorLine error={page.error} />
      <table className="grid">
        <caption className="sr-only">ECO history</caption>
        <thead><tr><th scope="col">#</th><th scope="col">When</th><th scope="col">Event</th><th scope="col">Change</th><th scope="col">Who</th></tr></thead>
        <tbody>
          {page.data?.items.map((e) => (
            <tr key={e.id}><td>{e.seq}</td><td>{when(e.created_at)}</td><td>{e.event_type}</td>
              <td>{e.from_value || e.to_value ? `${e.from_value ?? "∅"} → ${e.to_value ?? "∅"}` : ""}</td><td>{e.user_name ?? "—"}</td></tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function Runs(props: { ecoId: string; version: number }) {
  const page = useLoad(() => ok(api.GET("/api/v1/workflow-actions/runs", { params: { query: { object_id: props.ecoId, limit: 50 } } })), [props.ecoId, props.version]);
  return (
    <section aria-labelledby="runs-title">
      <h2 id="runs-title">Custom-action runs</h2>
      {page.error instanceof ApiError && page.error.status === 403 ? (
        <p className="muted">Runs are shown to admins only ({page.error.code}).</p>
      ) : (
        <ErrorLine error={page.error} />
      )}
      {page.data?.items.length === 0 && <p className="muted">No runs.</p>}
      <ul className="plain">
        {page.data?.items.map((r) => (
          <li key={r.id}><strong>{r.rule_name}</strong> {r.phase} {r.from_state ?? ""}→{r.to_state ?? ""}: {r.status} ({r.result_code}){r.error ? ` — ${r.error}` : ""}</li>
        ))}
      </ul>
    </section>
  );
}

export function EcoPage(props: { id: string }) {
  const eco = useLoad(() => ok(api.GET("/api/v1/eco/{eco_id}", { params: { path: { eco_id: props.id } } })), [props.id]);
  const [warnings, setWarnings] = useState<string[]>([]);
  // activity moves change what the ECO may do without changing the ECO's own version
  const [activityMoves, setActivityMoves] = useState(0);
  const [reportError, setReportError] = useState<unknown>(null);
  const data = eco.data;
  const blockers = useLoad(
    () => ok(api.GET("/api/v1/eco-activities/{eco_id}/blockers", { params: { path: { eco_id: props.id }, query: { limit: 100 } } })),
    [props.id, data?.version, activityMoves],
  );
  const rev = `${data?.version ?? 0}.${activityMoves}`;
  async function report(format: "md" | "pdf" | "csv") {
    setReportError(null);
    try {
      const { blob, filename } = await download(`/eco/${encodeURIComponent(props.id)}/report?format=${format}`);
      saveBlob(blob, filename);
    } catch (caught) {
      setReportError(caught);
    }
  }
  return (
    <section>
      <p><Link to="/eco">← ECO board</Link></p>
      <ErrorLine error={eco.error} />
      {data && (
        <>
          <h1>{data.number} — {data.name}</h1>
          <dl className="facts">
            <div><dt>State</dt><dd data-testid="eco-state">{data.state}</dd></div>
            <div><dt>Stage</dt><dd data-testid="eco-stage">{data.stage_name} (visit {data.stage_visit})</dd></div>
            <div><dt>Priority</dt><dd>{data.priority}</dd></div>
            <div><dt>Product</dt><dd><Link to={`/items/${data.product_id}`}>{data.product_number} rev {data.product_revision}</Link></dd></div>
            <div><dt>Target</dt><dd>{data.target_item_id ? <Link to={`/items/${data.target_item_id}`}>{data.target_number} rev {data.target_revision}</Link> : "none yet"}</dd></div>
            <div><dt>Effective</dt><dd>{data.effectivity_date ?? "on apply"}</dd></div>
            <div><dt>Applied</dt><dd>{when(data.applied_at)}</dd></div>
          </dl>
          {warnings.length > 0 && (
            <div className="notice" role="status"><strong>Warnings</strong><ul>{warnings.map((w) => <li key={w}>{w}</li>)}</ul></div>
          )}
          <Actions eco={data} rev={rev} onDone={(w) => { setWarnings(w); eco.reload(); }} />
          {blockers.data && blockers.data.total > 0 && (
            <div className="panel"><h2>Blockers ({blockers.data.total})</h2><BlockerList blockers={blockers.data.items} /></div>
          )}
          <div className="toolbar">
            <span>Change report:</span>
            <button type="button" onClick={() => report("md")}>Markdown</button>
            <button type="button" onClick={() => report("pdf")}>PDF</button>
            <button type="button" onClick={() => report("csv")}>CSV</button>
          </div>
          <ErrorLine error={reportError} />
          <EcoDelta ecoId={data.id} hasTarget={!!data.target_item_id} version={data.version} />
          <EcoActivities ecoId={data.id} version={data.version} onChange={() => setActivityMoves((n) => n + 1)} />
          <Approvals ecoId={data.id} version={data.version} />
          <Runs ecoId={data.id} version={data.version} />
          <History ecoId={data.id} version={data.version} />
        </>
      )}
    </section>
  );
}

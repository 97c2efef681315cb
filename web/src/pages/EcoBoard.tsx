/** The ECO board: a kanban by stage; drag a card (or pick a stage) to move the ECO. */

import { useState } from "react";
import { api, ok, type Schemas } from "../api/client";
import { Refusal } from "../lib/refusal";
import { navigate } from "../lib/router";
import { ErrorLine, Link, useLoad } from "../lib/ui";

type Eco = Schemas["EcoRead"];
type Stage = Schemas["EcoStageRead"];
type Priority = Schemas["EcoCreate"]["priority"];
const PRIORITIES: Priority[] = ["low", "normal", "high", "urgent"];

function CardCounts(props: { eco: Eco }) {
  const counts = useLoad(async () => {
    const [blockers, approvals] = await Promise.all([
      ok(api.GET("/api/v1/eco-activities/{eco_id}/blockers", { params: { path: { eco_id: props.eco.id }, query: { limit: 1 } } })),
      ok(api.GET("/api/v1/eco/{eco_id}/approvals", { params: { path: { eco_id: props.eco.id }, query: { limit: 100 } } })),
    ]);
    const visit = approvals.items.filter((a) => a.stage_id === props.eco.stage_id && a.stage_visit === props.eco.stage_visit);
    return { blockers: blockers.total, approved: visit.filter((a) => a.decision === "approved").length };
  }, [props.eco.id, props.eco.version]);
  if (!counts.data) return null;
  return (
    <span className="counts">
      <span className={counts.data.blockers ? "badge bad" : "badge"}>{counts.data.blockers} blocker{counts.data.blockers === 1 ? "" : "s"}</span>
      <span className="badge">{counts.data.approved} approval{counts.data.approved === 1 ? "" : "s"}</span>
    </span>
  );
}

function Card(props: { eco: Eco; stages: Stage[]; onMove: (eco: Eco, stage: Stage) => void; busy: boolean }) {
  const { eco } = props;
  return (
    <li className={`card kanban-${eco.kanban_state}`} draggable={!props.busy} aria-label={`${eco.number} ${eco.name}`}
      onDragStart={(e) => e.dataTransfer.setData("text/plain", eco.id)} data-eco={eco.number}>
      <div className="card-top">
        <Link to={`/eco/${eco.id}`}>{eco.number}</Link>
        <span className={`badge prio-${eco.priority}`}>{eco.priority}</span>
      </div>
      <div>{eco.name}</div>
      <div className="muted">
        {eco.product_number} {eco.product_revision}
        {eco.target_revision ? ` → ${eco.target_revision}` : ""} · {eco.state}
        {eco.kanban_state === "blocked" ? " · rejected" : ""}
      </div>
      <CardCounts eco={eco} />
      <label className="move">
        Move {eco.number} to
        <select value="" disabled={props.busy} onChange={(e) => {
          const stage = props.stages.find((s) => s.id === e.target.value);
          if (stage) props.onMove(eco, stage);
        }}>
          <option value="">stage…</option>
          {props.stages.filter((s) => s.id !== eco.stage_id).map((s) => <option key={s.id} value={s.id}>{s.name}</option>)}
        </select>
      </label>
    </li>
  );
}

function NewEco(props: { onCreated: (eco: Eco) => void }) {
  const [open, setOpen] = useState(false);
  const [name, setName] = useState("");
  const [product, setProduct] = useState("");
  const [priority, setPriority] = useState<Priority>("normal");
  const [error, setError] = useState<unknown>(null);
  async function create(event: React.FormEvent) {
    event.preventDefault();
    setError(null);
    try {
      const item = await ok(api.GET("/api/v1/items/by-number/{item_type}/{item_number}", {
        params: { path: { item_type: "Part", item_number: product.trim() } },
      }));
      const eco = await ok(api.POST("/api/v1/eco", {
        body: { name, product_id: item.id, eco_type: "bom", priority },
      }));
      props.onCreated(eco);
    } catch (caught) {
      setError(caught);
    }
  }
  if (!open) return <button type="button" onClick={() => setOpen(true)}>New ECO</button>;
  return (
    <form className="filters" onSubmit={create} aria-label="New ECO">
      <label>Name<input value={name} required onChange={(e) => setName(e.target.value)} /></label>
      <label>Product number<input value={product} required onChange={(e) => setProduct(e.target.value)} /></label>
      <label>Priority
        <select value={priority} onChange={(e) => setPriority(e.target.value as Priority)}>
          {PRIORITIES.map((p) => <option key={p}>{p}</option>)}
        </select>
      </label>
      <button type="submit">Create</button>
      <button type="button" onClick={() => setOpen(false)}>Cancel</button>
      <ErrorLine error={error} />
    </form>
  );
}

export function EcoBoard() {
  const board = useLoad(async () => {
    const [stages, ecos] = await Promise.all([
      ok(api.GET("/api/v1/eco/stages", { params: { query: { limit: 100 } } })),
      ok(api.GET("/api/v1/eco", { params: { query: { limit: 200, sort: "-priority,number" } } })),
    ]);
    return { stages: [...stages.items].sort((a, b) => a.sequence - b.sequence), ecos: ecos.items };
  }, []);
  const [refusal, setRefusal] = useState<unknown>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [over, setOver] = useState<string | null>(null);

  async function move(eco: Eco, stage: Stage) {
    setBusy(true);
    setRefusal(null);
    setNotice(null);
    try {
      const moved = await ok(api.POST("/api/v1/eco/{eco_id}/transitions", {
        params: { path: { eco_id: eco.id } },
        body: { action: "move", stage_id: stage.id },
      }));
      const warnings = moved.warnings ?? [];
      setNotice(`${eco.number} moved to ${moved.stage_name}.${warnings.length ? " Warnings: " + warnings.join("; ") : ""}`);
      board.reload();
    } catch (caught) {
      setRefusal(caught);
    } finally {
      setBusy(false);
    }
  }

  function drop(event: React.DragEvent, stage: Stage) {
    event.preventDefault();
    setOver(null);
    const eco = board.data?.ecos.find((e) => e.id === event.dataTransfer.getData("text/plain"));
    if (eco && eco.stage_id !== stage.id) void move(eco, stage);
  }

  return (
    <section>
      <div className="toolbar">
        <h1>ECO board</h1>
        <NewEco onCreated={(eco) => navigate(`/eco/${eco.id}`)} />
      </div>
      <ErrorLine error={board.error} />
      <div aria-live="polite">
        {notice && <p className="notice">{notice}</p>}
        <Refusal error={refusal} />
      </div>
      <div className="board">
        {board.data?.stages.map((stage) => {
          const cards = board.data!.ecos.filter((e) => e.stage_id === stage.id);
          return (
            <section key={stage.id} className={`column${over === stage.id ? " over" : ""}`} aria-label={`Stage ${stage.name}`}
              onDragOver={(e) => { e.preventDefault(); setOver(stage.id); }}
              onDragLeave={() => setOver(null)} onDrop={(e) => drop(e, stage)} data-stage={stage.name}>
              <h2>{stage.name} <span className="muted">({cards.length})</span></h2>
              <p className="muted small">
                {stage.approval_type === "none" ? "no approvals" : `${stage.approval_type}: ${stage.min_approvals} × ${stage.approval_roles.join("/")}`}
                {stage.allow_apply ? " · apply allowed" : ""}
              </p>
              {stage.fold ? (
                <details>
                  <summary>Show {cards.length} folded</summary>
                  <ul className="cards">
                    {cards.map((eco) => <Card key={eco.id} eco={eco} stages={board.data!.stages} onMove={move} busy={busy} />)}
                  </ul>
                </details>
              ) : (
                <ul className="cards">
                  {cards.map((eco) => <Card key={eco.id} eco={eco} stages={board.data!.stages} onMove={move} busy={busy} />)}
                </ul>
              )}
            </section>
          );
        })}
      </div>
    </section>
  );
}

/** Work orders: the list, and one order's operations with their documents, materials and pack. */

import { useState } from "react";
import { api, download, ok, saveBlob } from "../api/client";
import { ErrorLine, Link, useLoad, when } from "../lib/ui";

export function WorkOrders() {
  const page = useLoad(() => ok(api.GET("/api/v1/workorders", { params: { query: { limit: 100 } } })), []);
  return (
    <section>
      <h1>Work orders</h1>
      <ErrorLine error={page.error} />
      <table className="grid">
        <caption>{page.data ? `${page.data.total} work orders` : "Loading…"}</caption>
        <thead><tr><th scope="col">Number</th><th scope="col">Product</th><th scope="col">Qty</th><th scope="col">State</th><th scope="col">Routing</th><th scope="col">Due</th></tr></thead>
        <tbody>
          {page.data?.items.map((w) => (
            <tr key={w.id}>
              <td><Link to={`/workorders/${w.id}`}>{w.number}</Link></td>
              <td>{w.product_number} rev {w.product_revision} {w.product_name}</td>
              <td>{w.quantity}</td><td>{w.state}</td>
              <td>{w.routing_code ? `${w.routing_code} v${w.routing_version}` : "—"}</td>
              <td>{w.due_date ?? "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function OperationDocs(props: { routingId: string; operationId: string }) {
  const links = useLoad(
    () => ok(api.GET("/api/v1/workorder-docs/links", {
      params: { query: { routing_id: props.routingId, operation_id: props.operationId, include_inherited: true, limit: 100 } },
    })),
    [props.routingId, props.operationId],
  );
  if (links.error) return <ErrorLine error={links.error} />;
  if (!links.data) return <span className="muted">…</span>;
  if (links.data.items.length === 0) return <span className="muted">none</span>;
  return (
    <>
      {links.data.items.map((l) => (
        <span key={l.id} className="badge">{l.document_number}{l.inherited ? " (inherited)" : ""}{l.visible_in_production ? "" : " (hidden)"}</span>
      ))}
    </>
  );
}

function Consumption(props: { workorderId: string; materials: { id: string; label: string; uom: string }[] }) {
  const [itemId, setItemId] = useState("");
  const [quantity, setQuantity] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const chosen = props.materials.find((m) => m.id === itemId);
  async function report(event: React.FormEvent) {
    event.preventDefault();
    setError(null);
    setDone(null);
    if (!chosen) return;
    try {
      const answer = await ok(api.POST("/api/v1/workorders/{workorder_id}/consumption", {
        params: { path: { workorder_id: props.workorderId } },
        body: { lines: [{ item_id: chosen.id, quantity, uom: chosen.uom }] },
      }));
      setDone(`Recorded ${answer.records.length} record(s)${answer.unplanned.length ? `, ${answer.unplanned.length} unplanned` : ""}.`);
      setQuantity("");
    } catch (caught) {
      setError(caught);
    }
  }
  return (
    <form className="filters" aria-label="Report consumption" onSubmit={report}>
      <label>Material
        <select value={itemId} onChange={(e) => setItemId(e.target.value)} required>
          <option value="">choose…</option>
          {props.materials.map((m) => <option key={m.id} value={m.id}>{m.label}</option>)}
        </select>
      </label>
      <label>Quantity{chosen ? ` (${chosen.uom})` : ""}
        <input value={quantity} inputMode="decimal" required onChange={(e) => setQuantity(e.target.value)} />
      </label>
      <button type="submit">Report consumption</button>
      {done && <p className="notice" role="status">{done}</p>}
      <ErrorLine error={error} />
    </form>
  );
}

export function WorkOrder(props: { id: string }) {
  const wo = useLoad(() => ok(api.GET("/api/v1/workorders/{workorder_id}", { params: { path: { workorder_id: props.id } } })), [props.id]);
  const ops = useLoad(() => ok(api.GET("/api/v1/workorders/{workorder_id}/operations", { params: { path: { workorder_id: props.id } } })), [props.id]);
  const mats = useLoad(() => ok(api.GET("/api/v1/workorders/{workorder_id}/materials", { params: { path: { workorder_id: props.id }, query: { limit: 500 } } })), [props.id]);
  const [packError, setPackError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  async function pack(format: "zip" | "pdf") {
    setBusy(true);
    setPackError(null);
    try {
      const { blob, filename } = await download(`/workorders/${encodeURIComponent(props.id)}/doc-pack?export_format=${format}`);
      saveBlob(blob, filename);
    } catch (caught) {
      setPackError(caught);
    } finally {
      setBusy(false);
    }
  }
  const w = wo.data;
  return (
    <section>
      <p><Link to="/workorders">← Work orders</Link></p>
      <ErrorLine error={wo.error} />
      {w && (
        <>
          <h1>{w.number} — {w.product_number} rev {w.product_revision} × {w.quantity}</h1>
          <dl className="facts">
            <div><dt>State</dt><dd>{w.state}</dd></div>
            <div><dt>Routing</dt><dd>{w.routing_code ? `${w.routing_code} v${w.routing_version}` : "—"}</dd></div>
            <div><dt>Released</dt><dd>{when(w.released_at)}</dd></div>
            <div><dt>Due</dt><dd>{w.due_date ?? "—"}</dd></div>
          </dl>
          <div className="toolbar">
            <span>Document pack:</span>
            <button type="button" disabled={busy} onClick={() => pack("zip")}>Download pack (zip)</button>
            <button type="button" disabled={busy} onClick={() => pack("pdf")}>Download pack (pdf)</button>
          </div>
          <ErrorLine error={packError} />
          <h2>Operations</h2>
          <ErrorLine error={ops.error} />
          <table className="grid">
            <caption>{ops.data ? `${ops.data.total} operations, ${ops.data.total_minutes} min planned` : "Loading…"}</caption>
            <thead><tr><th scope="col">Op</th><th scope="col">Name</th><th scope="col">Work center</th><th scope="col">Minutes</th><th scope="col">Documents</th></tr></thead>
            <tbody>
              {ops.data?.items.map((o) => (
                <tr key={o.operation_id}>
                  <td>{o.operation_number}</td><td>{o.name}</td><td>{o.workcenter_code}</td><td>{o.planned_total_minutes}</td>
                  <td>{w.routing_id ? <OperationDocs routingId={w.routing_id} operationId={o.operation_id} /> : "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h2>Material requirements</h2>
          <ErrorLine error={mats.error} />
          <table className="grid">
            <caption>{mats.data ? `${mats.data.total} components (${mats.data.source})` : "Loading…"}</caption>
            <thead><tr><th scope="col">Component</th><th scope="col">Rev</th><th scope="col">Per unit</th><th scope="col">Required</th></tr></thead>
            <tbody>
              {mats.data?.items.map((m) => (
                <tr key={m.component_config_id}>
                  <td>{m.item_number ?? m.component_config_id} {m.name}</td><td>{m.revision ?? "—"}</td>
                  <td>{m.quantity_per_unit} {m.uom}</td><td>{m.required_quantity} {m.uom}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h2>Consumption</h2>
          <Consumption workorderId={w.id} materials={(mats.data?.items ?? []).filter((m) => m.component_id).map((m) => ({
            id: m.component_id!, label: `${m.item_number ?? ""} ${m.name ?? ""}`, uom: m.uom,
          }))} />
        </>
      )}
    </section>
  );
}

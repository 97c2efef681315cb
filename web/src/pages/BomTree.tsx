/** The BOM tree: one level per request, expanded on demand, under a revision rule. */

import { useState } from "react";
import { api, download, ok, saveBlob, type Schemas } from "../api/client";
import { ErrorLine, Link, useLoad } from "../lib/ui";

type Node = Schemas["TreeNodeRead"];
const RULES = ["", "latest", "released"] as const;

function fetchLevel(itemId: string, rule: string): Promise<Schemas["BomTreeRead"]> {
  return ok(
    api.GET("/api/v1/bom/{item_id}/tree", {
      params: { path: { item_id: itemId }, query: { levels: 1, rule: rule || undefined } },
    }),
  );
}

function Branch(props: { node: Node; rule: string }) {
  const { node, rule } = props;
  const [open, setOpen] = useState(false);
  const [children, setChildren] = useState<Node[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(false);
  const line = node.line;
  const label = `${node.item_number ?? node.config_id}${node.revision ? " " + node.revision : ""}`;

  async function toggle() {
    if (open) return setOpen(false);
    setOpen(true);
    if (children !== null || !node.item_id) return;
    setLoading(true);
    try {
      setChildren((await fetchLevel(node.item_id, rule)).children);
    } catch (caught) {
      setError(caught);
    } finally {
      setLoading(false);
    }
  }

  return (
    <li>
      <div className="bom-row">
        {node.item_id ? (
          <button type="button" className="toggle" aria-expanded={open} onClick={toggle}
            aria-label={`${open ? "Collapse" : "Expand"} ${label}`}>
            {open ? "▾" : "▸"}
          </button>
        ) : (
          <span className="toggle" aria-hidden="true">·</span>
        )}
        {node.item_id ? <Link to={`/items/${node.item_id}`}>{label}</Link> : <span>{label}</span>}
        <span className="bom-name">{node.name ?? `unresolved (${node.resolution})`}</span>
        {line && (
          <span className="bom-qty">
            {line.find_num ? `#${line.find_num} · ` : ""}
            {line.quantity} {line.uom}
          </span>
        )}
        {node.state && <span className={`state state-${node.state}`}>{node.state}</span>}
      </div>
      {open && (
        <>
          {loading && <p className="muted">Loading…</p>}
          <ErrorLine error={error} />
          {children && children.length === 0 && <p className="muted">No lines.</p>}
          {children && children.length > 0 && (
            <ul>
              {children.map((child) => (
                <Branch key={child.line?.line_id ?? child.config_id} node={child} rule={rule} />
              ))}
            </ul>
          )}
        </>
      )}
    </li>
  );
}

/** The first level of a revision's BOM, with the rule switch and the exports. */
export function BomTree(props: { itemId: string }) {
  const [rule, setRule] = useState<string>("");
  const [error, setError] = useState<unknown>(null);
  const loaded = useLoad(() => fetchLevel(props.itemId, rule), [props.itemId, rule]);
  const root = loaded.data;

  async function exportAs(format: "csv" | "xlsx") {
    setError(null);
    try {
      const query = new URLSearchParams({ format });
      if (rule) query.set("rule", rule);
      const { blob, filename } = await download(`/bom/${encodeURIComponent(props.itemId)}/flat?${query}`);
      saveBlob(blob, filename);
    } catch (caught) {
      setError(caught);
    }
  }

  return (
    <section aria-labelledby="bom-title">
      <div className="toolbar">
        <h2 id="bom-title">BOM</h2>
        <label>
          Revision rule
          <select value={rule} onChange={(e) => setRule(e.target.value)}>
            {RULES.map((r) => <option key={r} value={r}>{r || "default"}</option>)}
          </select>
        </label>
        <button type="button" onClick={() => exportAs("csv")}>Export CSV</button>
        <button type="button" onClick={() => exportAs("xlsx")}>Export XLSX</button>
      </div>
      <ErrorLine error={error ?? loaded.error} />
      {loaded.loading && <p className="muted">Loading…</p>}
      {root && <p className="muted">Rule: {root.rule.kind}{root.rule.as_of ? ` at ${root.rule.as_of}` : ""}</p>}
      {root && root.children.length === 0 && <p className="muted">No BOM lines.</p>}
      {root && root.children.length > 0 && (
        <ul className="bom-tree" aria-label="BOM lines">
          {root.children.map((child) => (
            <Branch key={`${rule}:${child.line?.line_id ?? child.config_id}`} node={child} rule={rule} />
          ))}
        </ul>
      )}
    </section>
  );
}

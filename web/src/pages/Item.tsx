/** The item page: header, lifecycle actions for the caller, and its tabs. */

import { useState } from "react";
import { api, ok, type Schemas } from "../api/client";
import * as auth from "../lib/auth";
import { ErrorLine, Link, useLoad, when } from "../lib/ui";
import { BomTree } from "./BomTree";
import { Documents, Files, History, Revisions, WhereUsed } from "./ItemTabs";

const TABS = ["BOM", "Revisions", "Files", "Documents", "History", "Where used"] as const;
type Tab = (typeof TABS)[number];

function Actions(props: { itemId: string; onDone: () => void }) {
  const roles = new Set(auth.current()?.roles ?? []);
  const options = useLoad(
    () => ok(api.GET("/api/v1/items/{item_id}/transitions", { params: { path: { item_id: props.itemId } } })),
    [props.itemId],
  );
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const allowed = (options.data?.actions ?? []).filter(
    (a) => a.roles.length === 0 || a.roles.some((r) => roles.has(r)) || roles.has("admin"),
  );

  async function take(action: string) {
    setBusy(true);
    setError(null);
    try {
      await ok(
        api.POST("/api/v1/items/{item_id}/transitions", {
          params: { path: { item_id: props.itemId } },
          // the action is one the service just offered (GET transitions answers it as a string)
          body: { action: action as Schemas["ItemTransitionRequest"]["action"] },
        }),
      );
      options.reload();
      props.onDone();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  return (
    <div className="actions" aria-label="Lifecycle actions" role="group">
      {allowed.length === 0 && !options.loading && <span className="muted">No lifecycle action for you.</span>}
      {allowed.map((a) => (
        <button key={a.action} type="button" disabled={busy} onClick={() => take(a.action)}>
          {a.action}
          {a.to_state ? ` → ${a.to_state}` : ""}
        </button>
      ))}
      <ErrorLine error={error ?? options.error} />
    </div>
  );
}

export function Item(props: { id: string }) {
  const [tab, setTab] = useState<Tab>("BOM");
  const item = useLoad(
    () => ok(api.GET("/api/v1/items/{item_id}", { params: { path: { item_id: props.id } } })),
    [props.id],
  );
  const data = item.data;
  return (
    <section>
      <p><Link to="/items">← Items</Link></p>
      <ErrorLine error={item.error} />
      {data && (
        <>
          <h1>
            {data.item_number} rev {data.revision} — {data.name}
          </h1>
          <dl className="facts">
            <div><dt>Type</dt><dd>{data.item_type}</dd></div>
            <div><dt>State</dt><dd><span className={`state state-${data.state}`}>{data.state}</span></dd></div>
            <div><dt>Current</dt><dd>{data.is_current ? "yes" : "no"}</dd></div>
            <div><dt>Created</dt><dd>{when(data.created_at)} by {data.created_by_name ?? "—"}</dd></div>
            <div><dt>Released</dt><dd>{when(data.released_at)}{data.released_by_name ? ` by ${data.released_by_name}` : ""}</dd></div>
          </dl>
          {data.description && <p>{data.description}</p>}
          {data.item_type === "Document" && (
            <p><Link to={`/viewer/${data.id}`}>Open the 3D viewer</Link></p>
          )}
          {Object.keys(data.properties).length > 0 && (
            <dl className="facts props">
              {Object.entries(data.properties).map(([k, v]) => (
                <div key={k}><dt>{k}</dt><dd>{typeof v === "string" ? v : JSON.stringify(v)}</dd></div>
              ))}
            </dl>
          )}
          <Actions itemId={data.id} onDone={item.reload} />
          <div role="tablist" aria-label="Item details" className="tabs">
            {TABS.map((t) => (
              <button key={t} type="button" role="tab" aria-selected={tab === t} id={`tab-${t}`}
                aria-controls="tab-panel" onClick={() => setTab(t)}>
                {t}
              </button>
            ))}
          </div>
          <div role="tabpanel" id="tab-panel" aria-labelledby={`tab-${tab}`}>
            {tab === "BOM" && <BomTree itemId={data.id} />}
            {tab === "Revisions" && <Revisions itemId={data.id} />}
            {tab === "Files" && <Files itemId={data.id} />}
            {tab === "Documents" && <Documents itemId={data.id} />}
            {tab === "History" && <History itemId={data.id} />}
            {tab === "Where used" && <WhereUsed itemId={data.id} />}
          </div>
        </>
      )}
    </section>
  );
}

/** The item page's tabs: revisions, files (PDF preview), documents, history, where-used. */

import { useEffect, useState } from "react";
import { api, download, ok, saveBlob } from "../api/client";
import { ErrorLine, Link, useLoad, when } from "../lib/ui";

type Id = { itemId: string };

export function Revisions({ itemId }: Id) {
  const page = useLoad(
    () => ok(api.GET("/api/v1/items/{item_id}/revisions", { params: { path: { item_id: itemId }, query: { limit: 100 } } })),
    [itemId],
  );
  return (
    <>
      <ErrorLine error={page.error} />
      <table className="grid">
        <caption>Revisions</caption>
        <thead><tr><th scope="col">Rev</th><th scope="col">State</th><th scope="col">Created</th><th scope="col">Released</th></tr></thead>
        <tbody>
          {page.data?.items.map((r) => (
            <tr key={r.id}>
              <td><Link to={`/items/${r.id}`}>{r.revision}</Link>{r.is_current ? " (current)" : ""}</td>
              <td><span className={`state state-${r.state}`}>{r.state}</span></td>
              <td>{when(r.created_at)}</td>
              <td>{when(r.released_at)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function Preview(props: { fileId: string; filename: string; onClose: () => void }) {
  const [url, setUrl] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    let made: string | null = null;
    download(`/files/${encodeURIComponent(props.fileId)}/content`).then(({ blob }) => {
      made = URL.createObjectURL(new Blob([blob], { type: "application/pdf" }));
      setUrl(made);
    }, setError);
    return () => {
      if (made) URL.revokeObjectURL(made);
    };
  }, [props.fileId]);
  return (
    <div className="preview">
      <button type="button" onClick={props.onClose}>Close preview</button>
      <ErrorLine error={error} />
      {url && <iframe title={`Preview of ${props.filename}`} src={url} />}
    </div>
  );
}

export function Files({ itemId }: Id) {
  const page = useLoad(
    () => ok(api.GET("/api/v1/items/{item_id}/files", { params: { path: { item_id: itemId }, query: { limit: 100 } } })),
    [itemId],
  );
  const [preview, setPreview] = useState<{ id: string; name: string } | null>(null);
  const [error, setError] = useState<unknown>(null);
  async function save(id: string) {
    try {
      const { blob, filename } = await download(`/files/${encodeURIComponent(id)}/content`);
      saveBlob(blob, filename);
    } catch (caught) {
      setError(caught);
    }
  }
  return (
    <>
      <ErrorLine error={page.error ?? error} />
      {page.data?.items.length === 0 && <p className="muted">No files.</p>}
      <ul className="plain">
        {page.data?.items.map((link) => (
          <li key={link.id}>
            <strong>{link.file.filename}</strong> <span className="muted">{link.role} · {link.file.size} bytes</span>{" "}
            <button type="button" onClick={() => save(link.file_id)}>Download</button>
            {link.file.content_type === "application/pdf" && (
              <button type="button" onClick={() => setPreview({ id: link.file_id, name: link.file.filename })}>
                Preview
              </button>
            )}
          </li>
        ))}
      </ul>
      {preview && <Preview fileId={preview.id} filename={preview.name} onClose={() => setPreview(null)} />}
    </>
  );
}

export function Documents({ itemId }: Id) {
  const page = useLoad(
    () => ok(api.GET("/api/v1/items/{part_id}/documents", { params: { path: { part_id: itemId }, query: { limit: 100 } } })),
    [itemId],
  );
  return (
    <>
      <ErrorLine error={page.error} />
      {page.data?.items.length === 0 && <p className="muted">No linked documents.</p>}
      <ul className="plain">
        {page.data?.items.map((d) => (
          <li key={d.id}>
            {d.resolved ? (
              <Link to={`/items/${d.resolved.id}`}>{d.document_number} rev {d.resolved.revision}</Link>
            ) : (
              <span>{d.document_number} (no revision under the rule)</span>
            )}{" "}
            {d.document_name} <span className="muted">{d.role}</span>
          </li>
        ))}
      </ul>
    </>
  );
}

export function History({ itemId }: Id) {
  const page = useLoad(
    () => ok(api.GET("/api/v1/items/{item_id}/history", { params: { path: { item_id: itemId }, query: { limit: 100 } } })),
    [itemId],
  );
  return (
    <>
      <ErrorLine error={page.error} />
      <table className="grid">
        <caption>History</caption>
        <thead><tr><th scope="col">When</th><th scope="col">Action</th><th scope="col">Who</th><th scope="col">Revision</th></tr></thead>
        <tbody>
          {page.data?.items.map((e) => (
            <tr key={e.id}>
              <td>{when(e.created_at)}</td><td>{e.action}</td><td>{e.actor_name ?? "—"}</td><td>{e.object_revision ?? ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

export function WhereUsed({ itemId }: Id) {
  const used = useLoad(
    () => ok(api.GET("/api/v1/bom/{item_id}/where-used", { params: { path: { item_id: itemId } } })),
    [itemId],
  );
  return (
    <>
      <ErrorLine error={used.error} />
      {used.data?.items.length === 0 && <p className="muted">Not used in any current assembly.</p>}
      <ul className="plain">
        {used.data?.items.map((w) => (
          <li key={w.line_id}>
            {"· ".repeat(Math.max(0, w.level - 1))}
            <Link to={`/items/${w.parent_id}`}>{w.parent_number} rev {w.parent_revision}</Link> {w.parent_name}{" "}
            <span className="muted">× {w.quantity} {w.uom}</span>
          </li>
        ))}
      </ul>
    </>
  );
}

/** Sites and sync jobs (admin): doc-sync sites with health, jobs with per-document results and replay, dead letters. */

import { useState } from "react";
import { untyped } from "../api/client";
import { ApiError } from "../api/errors";
import { ErrorLine, useLoad, when } from "../lib/ui";

// the doc-sync API (issue 17) as its brief describes it; not in this build's OpenAPI yet
interface Site {
  id: string;
  name: string;
  endpoint: string;
  is_active: boolean;
  auto_push?: boolean;
  secret_configured?: boolean;
  last_health_status?: string | null;
  last_health_at?: string | null;
  last_health_error?: string | null;
}
interface Job {
  id: string;
  site_id: string;
  site_name?: string;
  direction: string;
  status: string;
  created_at: string;
  is_dead_letter?: boolean;
  dead_letter_reason?: string | null;
  replay_of?: string | null;
  results?: { document_id?: string; item_number?: string; status?: string; error?: string | null; bytes_sent?: number }[];
}
interface Page<T> {
  items: T[];
  total: number;
}

/** Whether this service has the doc-sync API (a 404 hides the page; other errors show). */
export async function docSyncAvailable(): Promise<boolean> {
  try {
    await untyped<Page<Site>>("GET", "/doc-sync/sites?limit=1");
    return true;
  } catch (caught) {
    if (caught instanceof ApiError && (caught.status === 404 || caught.status === 403)) return false;
    throw caught;
  }
}

function JobRow(props: { job: Job; onReplayed: () => void }) {
  const { job } = props;
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const detail = useLoad(
    () => (open ? untyped<Job>("GET", `/doc-sync/jobs/${encodeURIComponent(job.id)}`) : Promise.resolve(null)),
    [job.id, open],
  );
  async function replay() {
    setError(null);
    try {
      await untyped<Job>("POST", `/doc-sync/jobs/${encodeURIComponent(job.id)}/replay`);
      props.onReplayed();
    } catch (caught) {
      setError(caught);
    }
  }
  return (
    <>
      <tr>
        <td>{when(job.created_at)}</td><td>{job.site_name ?? job.site_id}</td><td>{job.direction}</td>
        <td>{job.status}{job.is_dead_letter ? ` · dead letter${job.dead_letter_reason ? `: ${job.dead_letter_reason}` : ""}` : ""}</td>
        <td>
          <button type="button" aria-expanded={open} onClick={() => setOpen(!open)}>Results</button>
          <button type="button" onClick={replay}>Replay</button>
          <ErrorLine error={error} />
        </td>
      </tr>
      {open && (
        <tr><td colSpan={5}>
          <ErrorLine error={detail.error} />
          <ul className="plain">
            {(detail.data?.results ?? []).map((r, i) => (
              <li key={r.document_id ?? i}>{r.item_number ?? r.document_id}: {r.status}{r.error ? ` — ${r.error}` : ""}{r.bytes_sent !== undefined ? ` · ${r.bytes_sent} bytes` : ""}</li>
            ))}
          </ul>
        </td></tr>
      )}
    </>
  );
}

export function Sites() {
  const sites = useLoad(() => untyped<Page<Site>>("GET", "/doc-sync/sites?limit=100"), []);
  const [deadOnly, setDeadOnly] = useState(false);
  const jobs = useLoad(() => untyped<Page<Job>>("GET", "/doc-sync/jobs?limit=100"), []);
  const [health, setHealth] = useState<Record<string, string>>({});
  async function probe(site: Site) {
    try {
      const answer = await untyped<{ status: string; error?: string | null }>("POST", `/doc-sync/sites/${encodeURIComponent(site.id)}/health`);
      setHealth((h) => ({ ...h, [site.id]: `${answer.status}${answer.error ? `: ${answer.error}` : ""}` }));
    } catch (caught) {
      setHealth((h) => ({ ...h, [site.id]: caught instanceof ApiError ? `${caught.message} (${caught.code})` : "failed" }));
    }
  }
  const shown = (jobs.data?.items ?? []).filter((j) => !deadOnly || j.is_dead_letter);
  return (
    <section>
      <h1>Sites and sync jobs</h1>
      <ErrorLine error={sites.error} />
      <table className="grid">
        <caption>Sites</caption>
        <thead><tr><th scope="col">Name</th><th scope="col">Endpoint</th><th scope="col">Active</th><th scope="col">Health</th><th scope="col">Check</th></tr></thead>
        <tbody>
          {sites.data?.items.map((s) => (
            <tr key={s.id}>
              <td>{s.name}</td><td>{s.endpoint}</td><td>{s.is_active ? "yes" : "no"}</td>
              <td>{health[s.id] ?? `${s.last_health_status ?? "unknown"}${s.last_health_at ? ` at ${when(s.last_health_at)}` : ""}`}</td>
              <td><button type="button" onClick={() => probe(s)}>Check health of {s.name}</button></td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="toolbar">
        <h2>Sync jobs</h2>
        <label><span>Dead letters only</span><input type="checkbox" checked={deadOnly} onChange={(e) => setDeadOnly(e.target.checked)} /></label>
      </div>
      <ErrorLine error={jobs.error} />
      <table className="grid">
        <caption>{shown.length} jobs</caption>
        <thead><tr><th scope="col">Created</th><th scope="col">Site</th><th scope="col">Direction</th><th scope="col">Status</th><th scope="col">Actions</th></tr></thead>
        <tbody>{shown.map((j) => <JobRow key={j.id} job={j} onReplayed={jobs.reload} />)}</tbody>
      </table>
    </section>
  );
}

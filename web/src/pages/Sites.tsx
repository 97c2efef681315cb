/** Sites and sync jobs (admin): doc-sync sites with health, jobs with per-document results and replay, dead letters. */

import { useState } from "react";
import { api, ok, type Schemas } from "../api/client";
import { ApiError } from "../api/errors";
import { ErrorLine, useLoad, when } from "../lib/ui";

type Site = Schemas["SiteRead"];
type Job = Schemas["SyncJobRead"];
type Health = Schemas["SiteHealthRead"];
type SiteSummary = Schemas["SiteSummary"];

// the job statuses the API filters on (the job queue's own: the `status` query param's pattern)
const STATUSES = ["pending", "processing", "completed", "failed", "canceled"] as const;
type Status = (typeof STATUSES)[number];

/** Whether this service has the doc-sync API (a 404 or 403 hides the page; other errors show). */
export async function docSyncAvailable(): Promise<boolean> {
  try {
    await ok(api.GET("/api/v1/doc-sync/sites", { params: { query: { limit: 1 } } }));
    return true;
  } catch (caught) {
    if (caught instanceof ApiError && (caught.status === 404 || caught.status === 403)) return false;
    throw caught;
  }
}

function healthText(status: string | null, error: string | null, at: string | null): string {
  if (!status) return "never checked";
  return `${status}${error ? `: ${error}` : ""}${at ? ` (checked ${when(at)})` : ""}`;
}

function summaryText(s: SiteSummary | undefined, days: number): string {
  if (!s) return "—";
  const byStatus = Object.entries(s.jobs_by_status).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${k}`);
  const rate = s.success_rate === null ? "no finished jobs" : `${Math.round(s.success_rate * 100)}% succeeded`;
  return `${days} days: ${byStatus.length ? byStatus.join(", ") : "no jobs"}; ${rate}; ${s.dead_letters} dead letters; ${s.bytes_sent} bytes sent`;
}

function SiteRow(props: { site: Site; summary: SiteSummary | undefined; days: number; onChecked: () => void }) {
  const { site } = props;
  const [probe, setProbe] = useState<Health | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  async function check() {
    setBusy(true);
    setError(null);
    try {
      setProbe(await ok(api.POST("/api/v1/doc-sync/sites/{site_id}/health", { params: { path: { site_id: site.id } } })));
      // the probe is recorded on the site: reload so the row shows the stored outcome too
      props.onChecked();
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }
  return (
    <tr>
      <th scope="row">{site.name}</th>
      <td>{site.endpoint}</td>
      <td>{site.is_active ? "active" : "inactive"}{site.auto_push ? " · auto-push on release" : ""}</td>
      <td>{site.secret_configured ? "configured" : "missing"}</td>
      <td>
        <span data-testid={`health-${site.name}`}>{healthText(site.last_health_status, site.last_health_error, site.last_health_at)}</span>
        {probe && (
          <div role="status">
            Probe: {probe.status} in {probe.elapsed_ms} ms{probe.remote_site_name ? ` (remote says it is ${probe.remote_site_name})` : ""}
          </div>
        )}
        <ErrorLine error={error} />
      </td>
      <td>{summaryText(props.summary, props.days)}</td>
      <td><button type="button" disabled={busy} onClick={check} aria-label={`Check health of ${site.name}`}>Check health</button></td>
    </tr>
  );
}

function JobRow(props: { job: Job; onReplayed: () => void }) {
  const { job } = props;
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<unknown>(null);
  // the list already answers the documents; the detail is the fresh state when opened
  const detail = useLoad(
    () => (open ? ok(api.GET("/api/v1/doc-sync/jobs/{job_id}", { params: { path: { job_id: job.id } } })) : Promise.resolve(null)),
    [job.id, open],
  );
  async function replay() {
    setError(null);
    try {
      await ok(api.POST("/api/v1/doc-sync/jobs/{job_id}/replay", { params: { path: { job_id: job.id } } }));
      props.onReplayed();
    } catch (caught) {
      setError(caught);
    }
  }
  const shown = detail.data ?? job;
  return (
    <>
      <tr>
        <td>{when(job.created_at)}</td>
        <td>{job.site_name ?? job.site_id}</td>
        <td>{job.direction}{job.trigger !== "api" ? ` (${job.trigger})` : ""}</td>
        <td>
          {job.status} · attempt {job.attempt_count}/{job.max_attempts}
          {job.is_dead_letter ? ` · dead letter${job.dead_letter_reason ? `: ${job.dead_letter_reason}` : ""}` : ""}
          {job.replay_of ? " · a replay" : ""}
        </td>
        <td>
          <button type="button" aria-expanded={open} onClick={() => setOpen(!open)}>Results</button>
          <button type="button" onClick={replay}>Replay</button>
          <ErrorLine error={error} />
        </td>
      </tr>
      {open && (
        <tr><td colSpan={5}>
          <ErrorLine error={detail.error} />
          {shown.last_error && <p>Last error: {shown.last_error}</p>}
          <p>{shown.bytes_sent} bytes sent; {shown.retry_budget} automatic attempts left{shown.completed_at ? `; finished ${when(shown.completed_at)}` : ""}</p>
          <ul className="plain">
            {shown.documents.map((d) => (
              <li key={d.document}>
                {d.item_number ? `${d.item_number}${d.revision ? ` rev ${d.revision}` : ""}` : d.document}: {d.result}{d.reason ? ` — ${d.reason}` : ""}
              </li>
            ))}
            {shown.documents.length === 0 && <li>no per-document results yet</li>}
          </ul>
        </td></tr>
      )}
    </>
  );
}

const WINDOW_DAYS = 7;

export function Sites() {
  const sites = useLoad(() => ok(api.GET("/api/v1/doc-sync/sites", { params: { query: { limit: 100 } } })), []);
  const summary = useLoad(() => ok(api.GET("/api/v1/doc-sync/summary", { params: { query: { window_days: WINDOW_DAYS } } })), []);
  const [status, setStatus] = useState<Status | "">("");
  const [deadOnly, setDeadOnly] = useState(false);
  const jobs = useLoad(
    () => ok(api.GET("/api/v1/doc-sync/jobs", { params: { query: { limit: 100, ...(status ? { status } : {}) } } })),
    [status],
  );
  const bySite = new Map((summary.data?.sites ?? []).map((s) => [s.site_id, s]));
  // the API has no dead-letter filter: this one covers the jobs loaded (the newest 100)
  const shown = (jobs.data?.items ?? []).filter((j) => !deadOnly || j.is_dead_letter);
  return (
    <section>
      <h1>Sites and sync jobs</h1>
      <ErrorLine error={sites.error} />
      <ErrorLine error={summary.error} />
      <table className="grid">
        <caption>Sites</caption>
        <thead><tr>
          <th scope="col">Name</th><th scope="col">Endpoint</th><th scope="col">State</th><th scope="col">Token</th>
          <th scope="col">Health</th><th scope="col">Jobs</th><th scope="col">Check</th>
        </tr></thead>
        <tbody>
          {sites.data?.items.map((s) => (
            <SiteRow key={s.id} site={s} summary={bySite.get(s.id)} days={WINDOW_DAYS} onChecked={() => { sites.reload(); summary.reload(); }} />
          ))}
        </tbody>
      </table>
      <div className="toolbar">
        <h2>Sync jobs</h2>
        <label>
          <span>Status</span>
          <select value={status} onChange={(e) => setStatus(e.target.value as Status | "")}>
            <option value="">any</option>
            {STATUSES.map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        </label>
        <label><span>Dead letters only</span><input type="checkbox" checked={deadOnly} onChange={(e) => setDeadOnly(e.target.checked)} /></label>
      </div>
      <ErrorLine error={jobs.error} />
      <table className="grid">
        <caption>{deadOnly ? `${shown.length} dead letters of the newest ${jobs.data?.items.length ?? 0} jobs` : `${shown.length} of ${jobs.data?.total ?? 0} jobs`}</caption>
        <thead><tr><th scope="col">Created</th><th scope="col">Site</th><th scope="col">Direction</th><th scope="col">Status</th><th scope="col">Actions</th></tr></thead>
        <tbody>{shown.map((j) => <JobRow key={j.id} job={j} onReplayed={jobs.reload} />)}</tbody>
      </table>
    </section>
  );
}

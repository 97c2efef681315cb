/** Dashboards: consumption variance (P1-E) and breakage metrics (P1-F), with filters. */

import { useMemo, useState } from "react";
import { api, ok, type Schemas } from "../api/client";
import type { operations } from "../api/schema";
import { Chart } from "../lib/Chart";
import { ErrorLine, Link, useLoad } from "../lib/ui";

type Bucket = NonNullable<NonNullable<operations["get_dashboard_api_v1_consumption_dashboard_get"]["parameters"]["query"]>["bucket"]>;
type Row = Schemas["DashboardRow"];

const day = (iso: string) => Date.parse(iso.length === 10 ? `${iso}T00:00:00Z` : iso) / 1000;

function Consumption() {
  const [bucket, setBucket] = useState<Bucket>("week");
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const [material, setMaterial] = useState("");
  const rows = useLoad(
    () => ok(api.GET("/api/v1/consumption/dashboard", {
      params: { query: { bucket, from: from || undefined, to: to || undefined, sort: "period", limit: 500 } },
    })),
    [bucket, from, to],
  );
  const materials = useMemo(() => {
    const seen = new Map<string, string>();
    for (const r of rows.data?.items ?? []) seen.set(`${r.item_config_id}|${r.uom}`, `${r.item_number} ${r.item_name} (${r.uom})`);
    return [...seen];
  }, [rows.data]);
  const key = material || materials[0]?.[0] || "";
  const series = useMemo(() => {
    const mine = (rows.data?.items ?? []).filter((r) => `${r.item_config_id}|${r.uom}` === key);
    return {
      x: mine.map((r) => day(r.period_start)),
      labels: mine.map((r) => r.period),
      lines: [
        { label: "planned", color: "#2b5bb5", values: mine.map((r) => Number(r.planned)) },
        { label: "actual", color: "#c2410c", values: mine.map((r) => Number(r.actual)) },
      ],
    };
  }, [rows.data, key]);
  const off = (rows.data?.items ?? []).filter((r: Row) => r.status !== "on_track");
  return (
    <section aria-labelledby="cons-title" className="panel">
      <h2 id="cons-title">Consumption variance</h2>
      <div className="filters">
        <label>Bucket
          <select value={bucket} onChange={(e) => setBucket(e.target.value as Bucket)}>
            {(["day", "week", "month"] as Bucket[]).map((b) => <option key={b}>{b}</option>)}
          </select>
        </label>
        <label>From<input type="date" value={from} onChange={(e) => setFrom(e.target.value)} /></label>
        <label>To<input type="date" value={to} onChange={(e) => setTo(e.target.value)} /></label>
        <label>Material
          <select value={key} onChange={(e) => setMaterial(e.target.value)}>
            {materials.map(([k, label]) => <option key={k} value={k}>{label}</option>)}
          </select>
        </label>
      </div>
      <ErrorLine error={rows.error} />
      {rows.data && rows.data.items.length === 0 && <p className="muted">No consumption in this range.</p>}
      {series.x.length > 0 && <Chart title="Planned and actual per period" x={series.x} xLabels={series.labels} series={series.lines} />}
      <table className="grid">
        <caption>Off-plan periods ({off.length}), largest variance first in the service's order</caption>
        <thead><tr><th scope="col">Material</th><th scope="col">Period</th><th scope="col">Planned</th><th scope="col">Actual</th><th scope="col">Delta</th><th scope="col">Status</th></tr></thead>
        <tbody>
          {off.map((r) => (
            <tr key={`${r.item_config_id}|${r.uom}|${r.period}`}>
              <td><Link to={`/items/${r.item_id}`}>{r.item_number}</Link> {r.item_name}</td>
              <td>{r.period}</td><td>{r.planned} {r.uom}</td><td>{r.actual}</td>
              <td>{r.delta}{r.delta_ratio !== null ? ` (${Math.round(Number(r.delta_ratio) * 100)} %)` : ""}</td>
              <td><span className={`badge status-${r.status}`}>{r.status}</span></td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function Breakages() {
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const query = { from: from ? `${from}T00:00:00Z` : undefined, to: to ? `${to}T23:59:59Z` : undefined };
  const metrics = useLoad(() => ok(api.GET("/api/v1/breakages/metrics", { params: { query: { ...query, top: 10 } } })), [from, to]);
  const groups = useLoad(
    () => ok(api.GET("/api/v1/breakages/metrics/groups", { params: { query: { ...query, group_by: "component", sort: "-count", limit: 20 } } })),
    [from, to],
  );
  const m = metrics.data;
  const trend = useMemo(() => ({
    x: (m?.trend ?? []).map((t) => day(t.day)),
    labels: (m?.trend ?? []).map((t) => t.day),
    lines: [{ label: "incidents", color: "#a40e26", values: (m?.trend ?? []).map((t) => t.count) }],
  }), [m]);
  return (
    <section aria-labelledby="brk-title" className="panel">
      <h2 id="brk-title">Breakage metrics</h2>
      <div className="filters">
        <label>From<input type="date" value={from} onChange={(e) => setFrom(e.target.value)} /></label>
        <label>To<input type="date" value={to} onChange={(e) => setTo(e.target.value)} /></label>
      </div>
      <ErrorLine error={metrics.error ?? groups.error} />
      {m && (
        <>
          <dl className="facts kpis">
            <div><dt>Incidents</dt><dd data-testid="breakage-total">{m.total}</dd></div>
            <div><dt>Repeat rate</dt><dd>{Math.round(m.repeated_failure_rate * 1000) / 10} %</dd></div>
            <div><dt>Repeated events</dt><dd>{m.repeated_event_count}</dd></div>
            <div><dt>Repeated signatures</dt><dd>{m.repeated_signature_count}</dd></div>
          </dl>
          {trend.x.length > 0 && <Chart title="Incidents per day" x={trend.x} xLabels={trend.labels} series={trend.lines} bars />}
          <table className="grid">
            <caption>Hotspot components</caption>
            <thead><tr><th scope="col">Component</th><th scope="col">Incidents</th><th scope="col">Share</th></tr></thead>
            <tbody>
              {m.hotspot_components.map((h) => (
                <tr key={h.component_config_id}>
                  <td>{h.component_item_id ? <Link to={`/items/${h.component_item_id}`}>{h.item_number}</Link> : h.item_number} {h.name}</td>
                  <td>{h.count}</td>
                  <td><span className="bar" style={{ width: `${Math.round(h.share * 100)}%` }} /> {Math.round(h.share * 100)} %</td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="counts-grid">
            {([["By status", m.by_status], ["By severity", m.by_severity], ["By failure mode", m.by_failure_mode], ["By responsibility", m.by_responsibility]] as const).map(([title, rows]) => (
              <table key={title} className="grid">
                <caption>{title}</caption>
                <tbody>{rows.map((r) => <tr key={r.key}><th scope="row">{r.key}</th><td>{r.count}</td></tr>)}</tbody>
              </table>
            ))}
          </div>
        </>
      )}
      {groups.data && (
        <table className="grid">
          <caption>Components: incidents and repeat rate</caption>
          <thead><tr><th scope="col">Component</th><th scope="col">Incidents</th><th scope="col">Repeated</th><th scope="col">Repeat rate</th></tr></thead>
          <tbody>
            {groups.data.items.map((g) => (
              <tr key={g.key}><td>{g.label ?? g.key}</td><td>{g.count}</td><td>{g.repeated_count}</td><td>{Math.round(g.repeat_rate * 100)} %</td></tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export default function Dashboards() {
  return (
    <section>
      <h1>Dashboards</h1>
      <Consumption />
      <Breakages />
    </section>
  );
}

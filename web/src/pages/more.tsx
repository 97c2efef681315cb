/** Routes beyond items; the 3D viewer (three.js) and the dashboards (uPlot) load on demand. */

import { lazy, Suspense } from "react";
import type { Route } from "../lib/router";
import { EcoPage } from "./Eco";
import { EcoBoard } from "./EcoBoard";
import { Sites } from "./Sites";
import { WorkOrder, WorkOrders } from "./WorkOrders";

const Viewer = lazy(() => import("./Viewer"));
// uPlot comes with the dashboards only
const Dashboards = lazy(() => import("./Dashboards"));

export function pageFor(route: Route): React.ReactNode {
  switch (route.name) {
    case "ecos":
      return <EcoBoard />;
    case "eco":
      return <EcoPage key={route.id} id={route.id} />;
    case "viewer":
      return (
        <Suspense fallback={<p className="muted">Loading the 3D viewer…</p>}>
          <Viewer key={route.id} documentId={route.id} />
        </Suspense>
      );
    case "workorders":
      return <WorkOrders />;
    case "workorder":
      return <WorkOrder key={route.id} id={route.id} />;
    case "dashboards":
      return (
        <Suspense fallback={<p className="muted">Loading the dashboards…</p>}>
          <Dashboards />
        </Suspense>
      );
    case "sites":
      return <Sites />;
    default:
      return <p>No page at {"path" in route ? route.path : ""}.</p>;
  }
}

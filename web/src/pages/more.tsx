/** Routes beyond items: ECOs, the 3D viewer (loaded on demand: three.js is large). */

import { lazy, Suspense } from "react";
import type { Route } from "../lib/router";
import { EcoPage } from "./Eco";
import { Dashboards } from "./Dashboards";
import { EcoBoard } from "./EcoBoard";
import { WorkOrder, WorkOrders } from "./WorkOrders";

const Viewer = lazy(() => import("./Viewer"));

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
      return <Dashboards />;
    default:
      return <p>No page at {"path" in route ? route.path : ""}.</p>;
  }
}

/** Routes beyond items: the ECO board and page. */

import type { Route } from "../lib/router";
import { EcoPage } from "./Eco";
import { EcoBoard } from "./EcoBoard";

export function pageFor(route: Route): React.ReactNode {
  switch (route.name) {
    case "ecos":
      return <EcoBoard />;
    case "eco":
      return <EcoPage key={route.id} id={route.id} />;
    default:
      return <p>No page at {"path" in route ? route.path : ""}.</p>;
  }
}

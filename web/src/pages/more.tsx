/** Routes beyond items: the ECO board and page. */

import type { Route } from "../lib/router";

export function pageFor(route: Route): React.ReactNode {
  switch (route.name) {
    case "ecos":
    case "eco":
      return <p>The ECO board is coming.</p>;
    default:
      return <p>No page at {"path" in route ? route.path : ""}.</p>;
  }
}

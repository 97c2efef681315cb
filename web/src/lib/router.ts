/** A small history router: the app's paths live under the Vite base (/app/). */

import { useEffect, useState } from "react";

const BASE = import.meta.env.BASE_URL.replace(/\/$/, "");

/** The route: its name and path parameters. */
export type Route =
  | { name: "items" }
  | { name: "item"; id: string }
  | { name: "ecos" }
  | { name: "eco"; id: string }
  | { name: "viewer"; id: string }
  | { name: "workorders" }
  | { name: "workorder"; id: string }
  | { name: "dashboards" }
  | { name: "sites" }
  | { name: "notFound"; path: string };

/** The route of an app path (without the base). */
export function match(path: string): Route {
  const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
  const [head, id, ...rest] = parts;
  if (rest.length === 0) {
    if (head === undefined || (head === "items" && id === undefined)) return { name: "items" };
    if (head === "items" && id) return { name: "item", id };
    if (head === "eco" && id === undefined) return { name: "ecos" };
    if (head === "eco" && id) return { name: "eco", id };
    if (head === "viewer" && id) return { name: "viewer", id };
    if (head === "workorders" && id === undefined) return { name: "workorders" };
    if (head === "workorders" && id) return { name: "workorder", id };
    if (head === "dashboards" && id === undefined) return { name: "dashboards" };
    if (head === "sites" && id === undefined) return { name: "sites" };
  }
  return { name: "notFound", path };
}

/** The href of an app path. */
export function href(path: string): string {
  return BASE + path;
}

function appPath(): string {
  const path = window.location.pathname;
  return path.startsWith(BASE) ? path.slice(BASE.length) || "/" : path;
}

/** Go to an app path without a reload. */
export function navigate(path: string): void {
  window.history.pushState(null, "", href(path));
  window.dispatchEvent(new PopStateEvent("popstate"));
}

/** The current route, updated on navigation. */
export function useRoute(): Route {
  const [path, setPath] = useState(appPath);
  useEffect(() => {
    const onPop = () => setPath(appPath());
    window.addEventListener("popstate", onPop);
    return () => window.removeEventListener("popstate", onPop);
  }, []);
  return match(path);
}

/** Handle a link click in the app (keep ctrl/middle clicks as the browser's). */
export function onLinkClick(event: React.MouseEvent<HTMLAnchorElement>, path: string): void {
  if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  navigate(path);
}

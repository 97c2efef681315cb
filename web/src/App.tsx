/** The shell: login gate, navigation, the page of the current route. */

import { useEffect, useState } from "react";
import * as auth from "./lib/auth";
import { useRoute } from "./lib/router";
import { Link } from "./lib/ui";
import { Item } from "./pages/Item";
import { Items } from "./pages/Items";
import { Login } from "./pages/Login";
import { pageFor } from "./pages/more";
import { docSyncAvailable } from "./pages/Sites";

export function App() {
  const [session, setSession] = useState(auth.resume);
  const route = useRoute();
  useEffect(() => auth.subscribe(setSession), []);
  // sites and jobs: admins only, and only where the doc-sync API is deployed (a 404 hides it)
  const [docSync, setDocSync] = useState(false);
  const isAdmin = session?.roles.includes("admin") ?? false;
  useEffect(() => {
    if (!isAdmin) return;
    let live = true;
    docSyncAvailable().then((yes) => live && setDocSync(yes), () => live && setDocSync(false));
    return () => {
      live = false;
    };
  }, [isAdmin]);
  if (!session) return <Login />;
  const nav: [string, string, boolean][] = [
    ["/items", "Items", route.name === "items" || route.name === "item"],
    ["/eco", "ECO board", route.name === "ecos" || route.name === "eco"],
    ["/workorders", "Work orders", route.name === "workorders" || route.name === "workorder"],
    ["/dashboards", "Dashboards", route.name === "dashboards"],
    ...(isAdmin && docSync ? [["/sites", "Sites & jobs", route.name === "sites"] as [string, string, boolean]] : []),
  ];
  return (
    <>
      <header className="top">
        <a className="skip" href="#main">Skip to content</a>
        <span className="brand">Yuantus</span>
        <nav aria-label="Main">
          {nav.map(([to, label, active]) => (
            <Link key={to} to={to} className={active ? "active" : ""}>{label}</Link>
          ))}
        </nav>
        <span className="who">
          {session.username} <span className="muted">({session.roles.join(", ")})</span>
        </span>
        <button type="button" onClick={() => auth.logout("user")}>Log out</button>
      </header>
      <main id="main">
        {route.name === "items" && <Items />}
        {route.name === "item" && <Item key={route.id} id={route.id} />}
        {route.name !== "items" && route.name !== "item" && pageFor(route)}
      </main>
    </>
  );
}

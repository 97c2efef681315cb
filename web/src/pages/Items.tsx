/** Items: search with filters, sort and paging. */

import { useState } from "react";
import { api, ok } from "../api/client";
import type { operations } from "../api/schema";
import { ErrorLine, Link, useLoad, when } from "../lib/ui";

type Query = NonNullable<operations["list_items_api_v1_items_get"]["parameters"]["query"]>;
type ItemType = NonNullable<Query["item_type"]>;
type ItemState = NonNullable<Query["state"]>;
// the generated types hold the allowed values: a new state breaks this list at build time
const TYPES: ("" | ItemType)[] = ["", "Part", "Document"];
const STATES: ("" | ItemState)[] = ["", "Draft", "InReview", "Released", "Superseded", "Obsolete"];
const SORTS: [string, string][] = [
  ["item_type,item_number,revision", "Type, number"],
  ["item_number", "Number"],
  ["name", "Name"],
  ["-updated_at", "Recently changed"],
  ["-released_at", "Recently released"],
  ["state", "State"],
];
const PAGE = 50;

export function Items() {
  const [draft, setDraft] = useState("");
  const [q, setQ] = useState("");
  const [itemType, setItemType] = useState<"" | ItemType>("");
  const [state, setState] = useState<"" | ItemState>("");
  const [sort, setSort] = useState(SORTS[0]![0]);
  const [offset, setOffset] = useState(0);
  const page = useLoad(
    () =>
      ok(
        api.GET("/api/v1/items", {
          params: {
            query: {
              q: q || undefined,
              item_type: itemType || undefined,
              state: state || undefined,
              sort,
              limit: PAGE,
              offset,
            },
          },
        }),
      ),
    [q, itemType, state, sort, offset],
  );

  function search(event: React.FormEvent) {
    event.preventDefault();
    setOffset(0);
    setQ(draft.trim());
  }

  const total = page.data?.total ?? 0;
  return (
    <section>
      <h1>Items</h1>
      <form className="filters" role="search" onSubmit={search}>
        <label>
          Search
          <input type="search" value={draft} placeholder="number, name, text, property"
            onChange={(e) => setDraft(e.target.value)} />
        </label>
        <label>
          Type
          <select value={itemType} onChange={(e) => (setItemType(e.target.value as ItemType), setOffset(0))}>
            {TYPES.map((t) => <option key={t} value={t}>{t || "any"}</option>)}
          </select>
        </label>
        <label>
          State
          <select value={state} onChange={(e) => (setState(e.target.value as ItemState), setOffset(0))}>
            {STATES.map((s) => <option key={s} value={s}>{s || "any"}</option>)}
          </select>
        </label>
        <label>
          Sort
          <select value={sort} onChange={(e) => (setSort(e.target.value), setOffset(0))}>
            {SORTS.map(([value, label]) => <option key={value} value={value}>{label}</option>)}
          </select>
        </label>
        <button type="submit">Search</button>
      </form>
      <ErrorLine error={page.error} />
      <table className="grid" aria-busy={page.loading}>
        <caption>{page.loading ? "Loading…" : `${total} item${total === 1 ? "" : "s"}`}</caption>
        <thead>
          <tr><th scope="col">Number</th><th scope="col">Rev</th><th scope="col">Name</th>
            <th scope="col">Type</th><th scope="col">State</th><th scope="col">Updated</th></tr>
        </thead>
        <tbody>
          {page.data?.items.map((item) => (
            <tr key={item.id}>
              <td><Link to={`/items/${item.id}`}>{item.item_number}</Link></td>
              <td>{item.revision}</td>
              <td>{item.name}</td>
              <td>{item.item_type}</td>
              <td><span className={`state state-${item.state}`}>{item.state}</span></td>
              <td>{when(item.updated_at)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <nav className="pager" aria-label="Pages">
        <button type="button" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
          Previous
        </button>
        <span>{total ? `${offset + 1}–${Math.min(offset + PAGE, total)} of ${total}` : ""}</span>
        <button type="button" disabled={offset + PAGE >= total} onClick={() => setOffset(offset + PAGE)}>
          Next
        </button>
      </nav>
    </section>
  );
}

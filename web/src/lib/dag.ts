/** Layout of a dependency graph (activities and their depends_on) in layers, for an SVG. */

export interface DagNode {
  id: string;
  dependsOn: string[];
}

export interface Placed {
  id: string;
  layer: number;
  row: number;
}

/** Each node's layer is one past its deepest dependency; rows keep the input order. */
export function layout(nodes: DagNode[]): Placed[] {
  const byId = new Map(nodes.map((n) => [n.id, n]));
  const layer = new Map<string, number>();
  const visiting = new Set<string>();

  function depth(id: string): number {
    const known = layer.get(id);
    if (known !== undefined) return known;
    // the service refuses cycles (activity_cycle); guard anyway so a bad answer cannot hang the page
    if (visiting.has(id)) return 0;
    visiting.add(id);
    const deps = (byId.get(id)?.dependsOn ?? []).filter((d) => byId.has(d));
    const value = deps.length === 0 ? 0 : Math.max(...deps.map(depth)) + 1;
    visiting.delete(id);
    layer.set(id, value);
    return value;
  }

  const rows = new Map<number, number>();
  return nodes.map((n) => {
    const l = depth(n.id);
    const row = rows.get(l) ?? 0;
    rows.set(l, row + 1);
    return { id: n.id, layer: l, row };
  });
}

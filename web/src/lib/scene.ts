/** The model's node tree and its component refs: node paths as the service's extraction makes them. */

export interface SceneNodeLike {
  name: string;
  children: SceneNodeLike[];
  /** the glTF node index, when the node came from one */
  index?: number;
}

export interface TreeEntry<T extends SceneNodeLike> {
  node: T;
  path: string;
  ref: string | null;
  children: TreeEntry<T>[];
}

/**
 * The tree of named nodes, each matched to an overlay component: its path of names from the
 * root, or `path#<node index>` for a repeated path (cad3d extraction's rule).
 */
export function componentTree<T extends SceneNodeLike>(roots: T[], refs: Set<string>): TreeEntry<T>[] {
  const lower = new Map([...refs].map((r) => [r.toLowerCase(), r]));
  const find = (candidate: string) => lower.get(candidate.toLowerCase()) ?? null;
  function walk(node: T, parent: string): TreeEntry<T> {
    const path = node.name ? (parent ? `${parent}/${node.name}` : node.name) : parent;
    const indexed = node.index !== undefined ? find(`${path}#${node.index}`) : null;
    const ref = node.name ? (indexed ?? find(path)) : null;
    return { node, path, ref, children: (node.children as T[]).map((c) => walk(c, path)) };
  }
  return roots.map((r) => walk(r, ""));
}

/** Every entry of the tree, depth first. */
export function flatten<T extends SceneNodeLike>(entries: TreeEntry<T>[]): TreeEntry<T>[] {
  return entries.flatMap((e) => [e, ...flatten(e.children)]);
}

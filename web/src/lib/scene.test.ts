import { describe, expect, it } from "vitest";
import { componentTree, flatten, type SceneNodeLike } from "./scene";

const n = (name: string, index: number, children: SceneNodeLike[] = []): SceneNodeLike => ({ name, index, children });

describe("componentTree", () => {
  it("matches node paths, and a repeated path by its node index", () => {
    const roots = [n("BIKE-1000", 0, [n("FRAME-2000", 1), n("WHEEL-2100", 2), n("WHEEL-2100", 3), n("bolt", 4)])];
    const refs = new Set(["BIKE-1000", "BIKE-1000/FRAME-2000", "BIKE-1000/WHEEL-2100", "BIKE-1000/WHEEL-2100#3"]);
    const flat = flatten(componentTree(roots, refs));
    expect(flat.map((e) => [e.path, e.ref])).toEqual([
      ["BIKE-1000", "BIKE-1000"],
      ["BIKE-1000/FRAME-2000", "BIKE-1000/FRAME-2000"],
      ["BIKE-1000/WHEEL-2100", "BIKE-1000/WHEEL-2100"],
      ["BIKE-1000/WHEEL-2100", "BIKE-1000/WHEEL-2100#3"],
      ["BIKE-1000/bolt", null],
    ]);
  });

  it("matches case-insensitively and skips unnamed nodes in paths", () => {
    const roots = [n("", 0, [n("Frame-2000", 1)])];
    const flat = flatten(componentTree(roots, new Set(["FRAME-2000"])));
    expect(flat.map((e) => e.ref)).toEqual([null, "FRAME-2000"]);
  });
});

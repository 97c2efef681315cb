import { describe, expect, it } from "vitest";
import { layout } from "./dag";

describe("layout", () => {
  it("puts a node one layer past its deepest dependency", () => {
    const placed = layout([
      { id: "drawing", dependsOn: [] },
      { id: "stock", dependsOn: [] },
      { id: "sign", dependsOn: ["drawing", "stock"] },
      { id: "ship", dependsOn: ["sign", "drawing"] },
    ]);
    expect(placed).toEqual([
      { id: "drawing", layer: 0, row: 0 },
      { id: "stock", layer: 0, row: 1 },
      { id: "sign", layer: 1, row: 0 },
      { id: "ship", layer: 2, row: 0 },
    ]);
  });

  it("ignores unknown dependencies and survives a cycle", () => {
    const placed = layout([
      { id: "a", dependsOn: ["b", "gone"] },
      { id: "b", dependsOn: ["a"] },
    ]);
    expect(placed.map((p) => p.id)).toEqual(["a", "b"]);
  });
});

import { describe, expect, it } from "vitest";
import { match } from "./router";

describe("match", () => {
  it("names the routes", () => {
    expect(match("/")).toEqual({ name: "items" });
    expect(match("/items")).toEqual({ name: "items" });
    expect(match("/items/a%2Fb")).toEqual({ name: "item", id: "a/b" });
    expect(match("/eco")).toEqual({ name: "ecos" });
    expect(match("/eco/e1")).toEqual({ name: "eco", id: "e1" });
    expect(match("/viewer/d1")).toEqual({ name: "viewer", id: "d1" });
    expect(match("/workorders")).toEqual({ name: "workorders" });
    expect(match("/workorders/w1")).toEqual({ name: "workorder", id: "w1" });
    expect(match("/dashboards")).toEqual({ name: "dashboards" });
    expect(match("/items/x/y")).toEqual({ name: "notFound", path: "/items/x/y" });
  });
});

import { describe, expect, it } from "vitest";
import { ApiError, errorText, toDetail } from "./errors";

describe("toDetail", () => {
  it("reads the catalogue body", () => {
    const body = { detail: { code: "item_not_found", message: "no item x", context: { id: "x" } } };
    expect(toDetail(404, body)).toEqual({ code: "item_not_found", message: "no item x", context: { id: "x" } });
  });
  it("joins pydantic problems", () => {
    const body = { detail: [{ loc: ["body", "name"], msg: "field required" }] };
    expect(toDetail(422, body).message).toBe("body.name: field required");
  });
  it("falls back to the status", () => {
    expect(toDetail(502, undefined)).toEqual({ code: "http_502", message: "request failed with HTTP 502", context: {} });
  });
});

describe("errorText", () => {
  it("shows message and code", () => {
    const error = new ApiError(409, { code: "eco_blocked", message: "2 blockers", context: {} });
    expect(errorText(error)).toBe("2 blockers (eco_blocked)");
  });
  it("never prints an object", () => {
    expect(errorText({ a: 1 })).toBe("unexpected error");
  });
});

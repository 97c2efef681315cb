import { describe, expect, it } from "vitest";
import { ApiError } from "../api/errors";
import { blockersOf, missingOf } from "./refusal";

const blocker = {
  activity_id: "a2", name: "Check stock", state: "active", reason: "not_completed",
  unmet_dependencies: [], assignee_id: null, assignee_name: null, assignee_role: "production", due_at: null,
};

describe("refusal context", () => {
  it("reads the blockers of eco_blocked", () => {
    const error = new ApiError(409, { code: "eco_blocked", message: "1 blocking activity", context: { blockers: [blocker, { junk: 1 }] } });
    expect(blockersOf(error)).toEqual([blocker]);
    expect(missingOf(error)).toEqual([]);
  });
  it("reads what approvals_missing lacks", () => {
    const error = new ApiError(409, { code: "approvals_missing", message: "m", context: { missing: ["1 approval from approver", { stage: "x" }] } });
    expect(missingOf(error)).toEqual(["1 approval from approver", '{"stage":"x"}']);
  });
  it("ignores other errors", () => {
    expect(blockersOf(new Error("x"))).toEqual([]);
    expect(missingOf("text")).toEqual([]);
  });
});

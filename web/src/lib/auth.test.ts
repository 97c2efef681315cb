import { afterEach, describe, expect, it, vi } from "vitest";
import { current, logout, start, subscribe, takeLogoutReason } from "./auth";

afterEach(() => {
  vi.useRealTimers();
  sessionStorage.clear();
});

describe("session", () => {
  it("keeps the token until it expires", () => {
    vi.useFakeTimers();
    vi.setSystemTime(1_000_000);
    start("tok", 60, "engineer", ["engineer"]);
    expect(current()?.token).toBe("tok");
    // 5 s of skew: gone at 55 s
    expect(current(1_000_000 + 54_000)).not.toBeNull();
    expect(current(1_000_000 + 55_000)).toBeNull();
  });

  it("logs out by itself at expiry and says why", () => {
    vi.useFakeTimers();
    vi.setSystemTime(0);
    const seen: (string | null)[] = [];
    const stop = subscribe((s) => seen.push(s ? s.username : null));
    start("tok", 10, "approver", ["approver"]);
    vi.advanceTimersByTime(5_001);
    expect(seen).toEqual(["approver", null]);
    expect(takeLogoutReason()).toBe("expired");
    expect(takeLogoutReason()).toBeNull();
    stop();
  });

  it("forgets a garbled store", () => {
    sessionStorage.setItem("yuantus.session", "{not json");
    expect(current()).toBeNull();
    logout();
    expect(takeLogoutReason()).toBe("user");
  });
});

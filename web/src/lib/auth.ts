/** The session: the access token and its expiry, kept in sessionStorage (one tab, one login). */

const KEY = "yuantus.session";
// log out a little before the server would refuse the token
const SKEW_MS = 5_000;

export interface Session {
  token: string;
  username: string;
  roles: string[];
  expiresAt: number;
}

type Listener = (session: Session | null) => void;
const listeners = new Set<Listener>();
let timer: ReturnType<typeof setTimeout> | undefined;

function valid(value: unknown): value is Session {
  if (typeof value !== "object" || value === null) return false;
  const s = value as Record<string, unknown>;
  return typeof s["token"] === "string" && typeof s["expiresAt"] === "number" && Array.isArray(s["roles"]);
}

/** The stored session, or null when there is none or it has expired. */
export function current(now: number = Date.now()): Session | null {
  let parsed: unknown;
  try {
    parsed = JSON.parse(sessionStorage.getItem(KEY) ?? "null");
  } catch {
    parsed = null;
  }
  if (!valid(parsed) || parsed.expiresAt - SKEW_MS <= now) return null;
  return parsed;
}

function emit(session: Session | null): void {
  for (const listener of listeners) listener(session);
}

function schedule(session: Session | null): void {
  if (timer !== undefined) clearTimeout(timer);
  timer = undefined;
  if (session) timer = setTimeout(() => logout("expired"), Math.max(0, session.expiresAt - SKEW_MS - Date.now()));
}

/** Store a new session from a login answer. */
export function start(token: string, expiresInSeconds: number, username: string, roles: string[]): Session {
  const session = { token, username, roles, expiresAt: Date.now() + expiresInSeconds * 1000 };
  sessionStorage.setItem(KEY, JSON.stringify(session));
  schedule(session);
  emit(session);
  return session;
}

export type LogoutReason = "user" | "expired" | "refused";
let lastReason: LogoutReason | null = null;

/** End the session; the reason is shown on the login page. */
export function logout(reason: LogoutReason = "user"): void {
  lastReason = reason;
  sessionStorage.removeItem(KEY);
  schedule(null);
  emit(null);
}

/** Why the last session ended (once). */
export function takeLogoutReason(): LogoutReason | null {
  const reason = lastReason;
  lastReason = null;
  return reason;
}

/** Call `listener` on every login and logout; returns the unsubscribe function. */
export function subscribe(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Re-arm the expiry timer for a session restored on page load. */
export function resume(): Session | null {
  const session = current();
  if (!session) sessionStorage.removeItem(KEY);
  schedule(session);
  return session;
}

/** The login page: username and password, the reason the last session ended. */

import { useState } from "react";
import { api, ok } from "../api/client";
import * as auth from "../lib/auth";
import { ErrorLine } from "../lib/ui";

const REASONS: Record<auth.LogoutReason, string> = {
  user: "You are logged out.",
  expired: "Your session expired: log in again.",
  refused: "The service refused your session (expired or revoked): log in again.",
};

export function Login() {
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [reason] = useState(auth.takeLogoutReason);

  async function submit(event: React.FormEvent) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const answer = await ok(api.POST("/api/v1/auth/login", { body: { username, password } }));
      const me = await ok(
        api.GET("/api/v1/auth/me", { headers: { Authorization: `Bearer ${answer.access_token}` } }),
      );
      auth.start(answer.access_token, answer.expires_in, me.username, me.roles);
    } catch (caught) {
      setError(caught);
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="login">
      <h1>Yuantus PLM</h1>
      <form onSubmit={submit} aria-label="Log in">
        {reason && <p className="notice">{REASONS[reason]}</p>}
        <label>
          Username
          <input name="username" autoComplete="username" value={username} required autoFocus
            onChange={(e) => setUsername(e.target.value)} />
        </label>
        <label>
          Password
          <input name="password" type="password" autoComplete="current-password" value={password} required
            onChange={(e) => setPassword(e.target.value)} />
        </label>
        <button type="submit" disabled={busy}>
          {busy ? "Logging in…" : "Log in"}
        </button>
        <ErrorLine error={error} />
      </form>
    </main>
  );
}

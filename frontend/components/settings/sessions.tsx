"use client";

import { useCallback, useEffect, useState } from "react";

import { api, unwrap } from "@/lib/api/client";
import { errorMessage } from "@/lib/api/errors";
import { signInUrl } from "@/lib/api/session";
import type { Session } from "@/lib/api/types";
import { formatDate } from "@/lib/format";
import { FormError } from "@/components/ui/form-error";

export function SessionsCard() {
  const [sessions, setSessions] = useState<Session[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(() => {
    unwrap(api.GET("/api/auth/sessions"))
      .then((list) => setSessions(list.items))
      .catch((err: unknown) => setError(errorMessage(err)));
  }, []);

  useEffect(load, [load]);

  async function revoke(session: Session) {
    setError(null);
    try {
      await unwrap(api.DELETE("/api/auth/sessions/{session_id}", { params: { path: { session_id: session.id } } }));
      if (session.current) window.location.assign(signInUrl("signed-out"));
      else load();
    } catch (err) {
      setError(errorMessage(err));
    }
  }

  async function revokeAll() {
    setError(null);
    try {
      await unwrap(api.POST("/api/auth/logout-all"));
      window.location.assign(signInUrl("signed-out"));
    } catch (err) {
      setError(errorMessage(err));
    }
  }

  return (
    <section className="card stack" aria-labelledby="sessions-title">
      <div className="spread">
        <h2 id="sessions-title">Active sessions</h2>
        <button type="button" className="danger" onClick={revokeAll}>
          Sign out everywhere
        </button>
      </div>
      <p className="small muted">
        Every browser or script signed in to your account. Sign out the ones you do not recognise.
      </p>
      <FormError message={error} />
      {sessions && (
        <table className="sessions-table">
          <thead>
            <tr>
              <th scope="col">Device</th>
              <th scope="col">Address</th>
              <th scope="col">Signed in</th>
              <th scope="col">Last used</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {sessions.map((s) => (
              <tr key={s.id}>
                <td>
                  <span className="small">{s.user_agent || "unknown client"}</span>
                  {s.current && <span className="badge badge-ok"> this browser</span>}
                </td>
                <td className="mono small">{s.ip}</td>
                <td className="small">{formatDate(s.created_at)}</td>
                <td className="small">{formatDate(s.last_seen_at)}</td>
                <td>
                  <button
                    type="button"
                    onClick={() => revoke(s)}
                    aria-label={s.current ? "Sign out this browser" : `Sign out session from ${s.ip}`}
                  >
                    Sign out
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

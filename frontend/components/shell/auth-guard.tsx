"use client";

// Pages of the (dashboard) group need a session: ask /api/auth/me once; a 401 goes to sign-in
// (lib/api/session.ts), anything else shows the error with a retry.
import { createContext, type ReactNode, useCallback, useContext, useEffect, useState } from "react";

import { api, unwrap } from "@/lib/api/client";
import { errorMessage } from "@/lib/api/errors";
import type { User } from "@/lib/api/types";

const UserContext = createContext<User | null>(null);

export function useUser(): User | null {
  return useContext(UserContext);
}

export function AuthGuard({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(() => {
    unwrap(api.GET("/api/auth/me"))
      .then(setUser)
      .catch((err: unknown) => setError(errorMessage(err)));
  }, []);

  useEffect(load, [load]);

  function retry() {
    setError(null);
    load();
  }

  if (error) {
    return (
      <main id="main" className="auth-main">
        <div className="card stack" role="alert">
          <h1>Could not reach SpaceClip</h1>
          <p>{error}</p>
          <button type="button" className="primary" onClick={retry}>
            Try again
          </button>
        </div>
      </main>
    );
  }
  if (!user) {
    return (
      <main id="main" aria-busy="true">
        <p className="muted">Loading…</p>
      </main>
    );
  }
  return <UserContext.Provider value={user}>{children}</UserContext.Provider>;
}

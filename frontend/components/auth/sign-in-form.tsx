"use client";

import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { type FormEvent, useState } from "react";

import { api, unwrap } from "@/lib/api/client";
import { errorMessage } from "@/lib/api/errors";
import { useHydrated } from "@/lib/hooks/use-hydrated";
import { FormError } from "@/components/ui/form-error";

function safeNext(next: string | null): string {
  return next && next.startsWith("/") && !next.startsWith("//") ? next : "/";
}

export function SignInForm() {
  const router = useRouter();
  const params = useSearchParams();
  const reason = params.get("reason");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const hydrated = useHydrated();

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(null);
    try {
      await unwrap(
        api.POST("/api/auth/login", {
          body: { email: String(form.get("email") ?? ""), password: String(form.get("password") ?? "") },
        }),
      );
      router.replace(safeNext(params.get("next")));
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  }

  return (
    <form className="card stack" onSubmit={onSubmit} aria-describedby={error ? "signin-error" : undefined}>
      <h1>Sign in</h1>
      {reason === "expired" && (
        <div className="alert alert-info" role="status">
          Your session has expired or was signed out. Sign in again to continue.
        </div>
      )}
      {reason === "signed-out" && (
        <div className="alert alert-ok" role="status">
          You are signed out.
        </div>
      )}
      <div className="field">
        <label htmlFor="email">Email</label>
        <input id="email" name="email" type="email" autoComplete="email" required />
      </div>
      <div className="field">
        <label htmlFor="password">Password</label>
        <input id="password" name="password" type="password" autoComplete="current-password" required />
      </div>
      <FormError message={error} id="signin-error" />
      <button type="submit" className="primary" disabled={busy || !hydrated}>
        {busy ? "Signing in…" : "Sign in"}
      </button>
      <p className="muted small">
        New here? <Link href="/sign-up/">Create an account</Link>
      </p>
    </form>
  );
}

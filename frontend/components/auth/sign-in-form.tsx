"use client";

import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";

import { api, unwrap } from "@/lib/api/client";
import { useFormSubmit } from "@/lib/hooks/use-form-submit";
import { FormError } from "@/components/ui/form-error";

function safeNext(next: string | null): string {
  return next && next.startsWith("/") && !next.startsWith("//") ? next : "/";
}

export function SignInForm() {
  const router = useRouter();
  const params = useSearchParams();
  const reason = params.get("reason");
  const { onSubmit, error, busy, disabled } = useFormSubmit(
    async (form) => {
      await unwrap(
        api.POST("/api/auth/login", {
          body: { email: String(form.get("email") ?? ""), password: String(form.get("password") ?? "") },
        }),
      );
      router.replace(safeNext(params.get("next")));
    },
    { leaves: true },
  );

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
      <button type="submit" className="primary" disabled={disabled}>
        {busy ? "Signing in…" : "Sign in"}
      </button>
      <p className="muted small">
        New here? <Link href="/sign-up/">Create an account</Link>
      </p>
    </form>
  );
}

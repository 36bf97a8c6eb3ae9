"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";

import { api, unwrap } from "@/lib/api/client";
import { errorMessage } from "@/lib/api/errors";
import { useHydrated } from "@/lib/hooks/use-hydrated";
import { FormError } from "@/components/ui/form-error";

export function SignUpForm() {
  const router = useRouter();
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
        api.POST("/api/auth/register", {
          body: {
            email: String(form.get("email") ?? ""),
            password: String(form.get("password") ?? ""),
            display_name: String(form.get("display_name") ?? ""),
          },
        }),
      );
      router.replace("/");
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  }

  return (
    <form className="card stack" onSubmit={onSubmit}>
      <h1>Create your account</h1>
      <p className="muted">Your account lives on this SpaceClip server only; nothing leaves your machine.</p>
      <div className="field">
        <label htmlFor="display_name">Name</label>
        <input id="display_name" name="display_name" type="text" autoComplete="name" maxLength={200} />
      </div>
      <div className="field">
        <label htmlFor="email">Email</label>
        <input id="email" name="email" type="email" autoComplete="email" required />
      </div>
      <div className="field">
        <label htmlFor="password">Password</label>
        <input
          id="password"
          name="password"
          type="password"
          autoComplete="new-password"
          required
          aria-describedby="password-hint"
        />
        <p className="hint" id="password-hint">
          8 to 256 characters.
        </p>
      </div>
      <FormError message={error} />
      <button type="submit" className="primary" disabled={busy || !hydrated}>
        {busy ? "Creating…" : "Create account"}
      </button>
      <p className="muted small">
        Already have an account? <Link href="/sign-in/">Sign in</Link>
      </p>
    </form>
  );
}

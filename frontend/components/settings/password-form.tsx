"use client";

import { type FormEvent, useState } from "react";

import { api, unwrap } from "@/lib/api/client";
import { errorMessage } from "@/lib/api/errors";
import { useHydrated } from "@/lib/hooks/use-hydrated";
import { FormError } from "@/components/ui/form-error";

export function PasswordForm() {
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);
  const hydrated = useHydrated();

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formEl = event.currentTarget;
    const form = new FormData(formEl);
    setError(null);
    setDone(false);
    if (form.get("new_password") !== form.get("confirm_password")) {
      setError("The two new passwords are different. Type the same new password twice.");
      return;
    }
    setBusy(true);
    try {
      await unwrap(
        api.POST("/api/auth/password", {
          body: {
            current_password: String(form.get("current_password") ?? ""),
            new_password: String(form.get("new_password") ?? ""),
          },
        }),
      );
      formEl.reset();
      setDone(true);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="card stack" onSubmit={onSubmit} aria-labelledby="password-title">
      <h2 id="password-title">Change password</h2>
      <p className="small muted">Changing it signs out every other session.</p>
      <div className="field">
        <label htmlFor="current_password">Current password</label>
        <input id="current_password" name="current_password" type="password" autoComplete="current-password" required />
      </div>
      <div className="field">
        <label htmlFor="new_password">New password</label>
        <input
          id="new_password"
          name="new_password"
          type="password"
          autoComplete="new-password"
          required
          aria-describedby="new-password-hint"
        />
        <p className="hint" id="new-password-hint">
          8 to 256 characters.
        </p>
      </div>
      <div className="field">
        <label htmlFor="confirm_password">New password again</label>
        <input id="confirm_password" name="confirm_password" type="password" autoComplete="new-password" required />
      </div>
      <FormError message={error} />
      {done && (
        <div className="alert alert-ok" role="status">
          Password changed. Other sessions were signed out.
        </div>
      )}
      <div>
        <button type="submit" className="primary" disabled={busy || !hydrated}>
          Change password
        </button>
      </div>
    </form>
  );
}

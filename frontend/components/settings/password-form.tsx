"use client";

import { type FormEvent, useState } from "react";

import { api, unwrap } from "@/lib/api/client";
import { useFormSubmit } from "@/lib/hooks/use-form-submit";
import { FormError } from "@/components/ui/form-error";
import { NewPasswordField } from "@/components/ui/new-password-field";

export function PasswordForm() {
  const [done, setDone] = useState(false);
  const submit = useFormSubmit(
    async (form, formEl) => {
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
    },
    {
      check: (form) =>
        form.get("new_password") !== form.get("confirm_password")
          ? "The two new passwords are different. Type the same new password twice."
          : null,
    },
  );

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    setDone(false);
    return submit.onSubmit(event);
  }

  return (
    <form className="card stack" onSubmit={onSubmit} aria-labelledby="password-title">
      <h2 id="password-title">Change password</h2>
      <p className="small muted">Changing it signs out every other session.</p>
      <div className="field">
        <label htmlFor="current_password">Current password</label>
        <input id="current_password" name="current_password" type="password" autoComplete="current-password" required />
      </div>
      <NewPasswordField name="new_password" label="New password" hintId="new-password-hint" />
      <div className="field">
        <label htmlFor="confirm_password">New password again</label>
        <input id="confirm_password" name="confirm_password" type="password" autoComplete="new-password" required />
      </div>
      <FormError message={submit.error} />
      {done && (
        <div className="alert alert-ok" role="status">
          Password changed. Other sessions were signed out.
        </div>
      )}
      <div>
        <button type="submit" className="primary" disabled={submit.disabled}>
          Change password
        </button>
      </div>
    </form>
  );
}

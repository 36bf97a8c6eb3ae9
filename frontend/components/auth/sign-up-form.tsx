"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";

import { api, unwrap } from "@/lib/api/client";
import { useFormSubmit } from "@/lib/hooks/use-form-submit";
import { FormError } from "@/components/ui/form-error";
import { NewPasswordField } from "@/components/ui/new-password-field";

export function SignUpForm() {
  const router = useRouter();
  const { onSubmit, error, busy, disabled } = useFormSubmit(
    async (form) => {
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
    },
    { leaves: true },
  );

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
      <NewPasswordField name="password" label="Password" hintId="password-hint" />
      <FormError message={error} />
      <button type="submit" className="primary" disabled={disabled}>
        {busy ? "Creating…" : "Create account"}
      </button>
      <p className="muted small">
        Already have an account? <Link href="/sign-in/">Sign in</Link>
      </p>
    </form>
  );
}

import { type FormEvent, useState } from "react";

import { errorMessage } from "@/lib/api/errors";
import { useHydrated } from "@/lib/hooks/use-hydrated";

type Options = {
  /** A message when the values are wrong: shown instead of sending anything. */
  check?: (form: FormData) => string | null;
  /** Success goes to another page: the form stays busy (its button disabled) until it has gone. */
  leaves?: boolean;
};

export type FormSubmit = {
  onSubmit: (event: FormEvent<HTMLFormElement>) => Promise<void>;
  error: string | null;
  busy: boolean;
  /** The submit button's `disabled`: while sending, and before hydration (see useHydrated). */
  disabled: boolean;
};

/**
 * A form's submit handler: sends the form's values with `send`, keeps the form busy meanwhile and
 * shows what went wrong (an API or network error, or the `check` message).
 */
export function useFormSubmit(
  send: (form: FormData, element: HTMLFormElement) => Promise<void>,
  { check, leaves = false }: Options = {},
): FormSubmit {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const hydrated = useHydrated();

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const element = event.currentTarget;
    const form = new FormData(element);
    const wrong = check?.(form) ?? null;
    setError(wrong);
    if (wrong) return;
    setBusy(true);
    try {
      await send(form, element);
      if (!leaves) setBusy(false);
    } catch (err) {
      setError(errorMessage(err));
      setBusy(false);
    }
  }

  return { onSubmit, error, busy, disabled: busy || !hydrated };
}

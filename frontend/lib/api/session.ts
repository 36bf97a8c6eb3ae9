// What happens when the API says the session is gone (401): go to sign-in, then come back.

const AUTH_FORMS = ["/api/auth/login", "/api/auth/register"];

export function signInUrl(reason: "expired" | "signed-out" | null, next?: string): string {
  const params = new URLSearchParams();
  if (reason) params.set("reason", reason);
  if (next && next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/sign-")) params.set("next", next);
  const query = params.toString();
  return `/sign-in/${query ? `?${query}` : ""}`;
}

/** Called for every 401 answer; a wrong password on the sign-in form is not an expired session. */
export function handleUnauthorized(requestUrl: string): void {
  if (typeof window === "undefined") return;
  const path = new URL(requestUrl, window.location.href).pathname;
  if (AUTH_FORMS.includes(path)) return;
  if (window.location.pathname.startsWith("/sign-")) return;
  const here = window.location.pathname + window.location.search;
  window.location.assign(signInUrl("expired", here));
}

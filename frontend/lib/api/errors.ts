// The API answers every error as {detail: string, code: string} (ErrorBody in the schema); a request
// that fails validation (422, code invalid_request) adds errors: [{loc, msg, type}], one per field.
// ApiError carries the API's own message so pages can show it as is.

export class ApiError extends Error {
  readonly status: number;
  readonly code: string | undefined;

  constructor(status: number, message: string, code?: string) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
  }
}

type ValidationItem = { loc?: unknown[]; msg?: string };

function fieldOf(item: ValidationItem): string {
  const loc = (item.loc ?? []).filter((p) => p !== "body" && p !== "query" && p !== "path");
  return loc.length ? `${loc.join(".")}: ` : "";
}

/** The user-facing message in an API error body (or a plain fallback naming the status). */
export function messageFrom(status: number, body: unknown): string {
  if (body && typeof body === "object") {
    // Per-field messages read better in a form than the sentence that lists them all.
    const errors = (body as { errors?: unknown }).errors;
    if (Array.isArray(errors) && errors.length) {
      return (errors as ValidationItem[])
        .map((d) => `${fieldOf(d)}${(d.msg ?? "invalid value").replace(/^Value error, /, "")}`)
        .join(" ");
    }
    const detail = (body as { detail?: unknown }).detail;
    if (typeof detail === "string" && detail) return detail;
  }
  if (status === 0) return "The server could not be reached. Check that SpaceClip is running, then try again.";
  if (status >= 500)
    return `The server failed (HTTP ${status}). Try again; if it keeps happening, run \`spaceclip doctor\`.`;
  return `The request failed (HTTP ${status}).`;
}

export function toApiError(status: number, body: unknown): ApiError {
  const code =
    body && typeof body === "object" && "code" in body && typeof (body as { code: unknown }).code === "string"
      ? (body as { code: string }).code
      : undefined;
  return new ApiError(status, messageFrom(status, body), code);
}

/** A message for any thrown value (ApiError, network TypeError, anything else). */
export function errorMessage(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  if (err instanceof TypeError) return messageFrom(0, null);
  if (err instanceof Error) return err.message;
  return "Something went wrong. Try again.";
}

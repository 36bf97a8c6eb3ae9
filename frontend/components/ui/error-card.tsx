/** What an error boundary (app/error.tsx, app/(dashboard)/error.tsx) shows, with a retry button. */
export function ErrorCard({
  title,
  error,
  fallback,
  reset,
}: {
  title: string;
  error: Error;
  fallback: string;
  reset: () => void;
}) {
  return (
    <div className="card stack" role="alert">
      <h1>{title}</h1>
      <p>{error.message || fallback}</p>
      <button type="button" className="primary" onClick={reset}>
        Try again
      </button>
    </div>
  );
}

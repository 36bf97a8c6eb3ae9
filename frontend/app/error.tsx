"use client";

export default function RootError({ error, reset }: { error: Error; reset: () => void }) {
  return (
    <main id="main" className="auth-main">
      <div className="card stack" role="alert">
        <h1>Something went wrong</h1>
        <p>{error.message || "The page failed to load."}</p>
        <button type="button" className="primary" onClick={reset}>
          Try again
        </button>
      </div>
    </main>
  );
}

"use client";

export default function DashboardError({ error, reset }: { error: Error; reset: () => void }) {
  return (
    <div className="card stack" role="alert">
      <h1>This page failed</h1>
      <p>{error.message || "Something went wrong while showing this page."}</p>
      <button type="button" className="primary" onClick={reset}>
        Try again
      </button>
    </div>
  );
}

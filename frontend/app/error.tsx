"use client";

import { ErrorCard } from "@/components/ui/error-card";

export default function RootError({ error, reset }: { error: Error; reset: () => void }) {
  return (
    <main id="main" className="auth-main">
      <ErrorCard title="Something went wrong" error={error} fallback="The page failed to load." reset={reset} />
    </main>
  );
}

"use client";

import { ErrorCard } from "@/components/ui/error-card";

export default function DashboardError({ error, reset }: { error: Error; reset: () => void }) {
  return (
    <ErrorCard
      title="This page failed"
      error={error}
      fallback="Something went wrong while showing this page."
      reset={reset}
    />
  );
}

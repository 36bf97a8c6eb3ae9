"use client";

import Link from "next/link";
import { useSearchParams } from "next/navigation";
import type { ReactNode } from "react";

/**
 * The page's `?id=` (a static export has no dynamic path segments): `children(id)`, or a card
 * titled `missing` with a link back to the projects when there is none.
 */
export function IdFromQuery({ missing, children }: { missing: string; children: (id: string) => ReactNode }) {
  const id = useSearchParams().get("id");
  if (!id) {
    return (
      <div className="card stack">
        <h1>{missing}</h1>
        <Link href="/">Back to your projects</Link>
      </div>
    );
  }
  return children(id);
}

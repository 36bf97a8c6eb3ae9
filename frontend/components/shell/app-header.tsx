"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { useState } from "react";

import { api } from "@/lib/api/client";
import { signInUrl } from "@/lib/api/session";

import { useUser } from "./auth-guard";

const LINKS = [
  { href: "/", label: "Projects" },
  { href: "/new/", label: "New project" },
  { href: "/feeds/", label: "Feeds" },
  { href: "/settings/", label: "Settings" },
];

export function AppHeader() {
  const pathname = usePathname();
  const user = useUser();
  const [busy, setBusy] = useState(false);

  async function signOut() {
    setBusy(true);
    await api.POST("/api/auth/logout").catch(() => undefined);
    window.location.assign(signInUrl("signed-out"));
  }

  const current = (href: string) =>
    href === "/"
      ? pathname === "/" || pathname.startsWith("/project") || pathname.startsWith("/clip")
      : pathname.startsWith(href.replace(/\/$/, ""));

  return (
    <header className="app-header">
      <Link href="/" className="brand">
        SpaceClip
      </Link>
      <nav aria-label="Main">
        {LINKS.map((link) => (
          <Link key={link.href} href={link.href} aria-current={current(link.href) ? "page" : undefined}>
            {link.label}
          </Link>
        ))}
      </nav>
      {user && <span className="user">{user.display_name || user.email}</span>}
      <button type="button" onClick={signOut} disabled={busy}>
        Sign out
      </button>
    </header>
  );
}

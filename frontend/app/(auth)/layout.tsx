import Link from "next/link";
import type { ReactNode } from "react";

export default function AuthLayout({ children }: { children: ReactNode }) {
  return (
    <main id="main" className="auth-main">
      <p>
        <Link href="/" className="brand" style={{ fontWeight: 700, fontSize: "1.4rem", textDecoration: "none" }}>
          SpaceClip
        </Link>
      </p>
      {children}
    </main>
  );
}

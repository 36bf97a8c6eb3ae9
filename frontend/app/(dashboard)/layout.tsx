import type { ReactNode } from "react";

import { AppHeader } from "@/components/shell/app-header";
import { AuthGuard } from "@/components/shell/auth-guard";

export default function DashboardLayout({ children }: { children: ReactNode }) {
  return (
    <AuthGuard>
      <AppHeader />
      <main id="main">{children}</main>
    </AuthGuard>
  );
}

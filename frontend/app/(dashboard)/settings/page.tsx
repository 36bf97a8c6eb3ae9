import type { Metadata } from "next";

import { BrandKitCard } from "@/components/settings/brand-kit";
import { LlmStatusCard } from "@/components/settings/llm-status";
import { PasswordForm } from "@/components/settings/password-form";
import { SessionsCard } from "@/components/settings/sessions";

export const metadata: Metadata = { title: "Settings" };

export default function SettingsPage() {
  return (
    <div className="stack" style={{ maxWidth: 900 }}>
      <h1>Settings</h1>
      <BrandKitCard />
      <SessionsCard />
      <PasswordForm />
      <LlmStatusCard />
    </div>
  );
}

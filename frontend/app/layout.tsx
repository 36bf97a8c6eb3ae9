import type { Metadata, Viewport } from "next";
import type { ReactNode } from "react";

// In this order: later rules override earlier ones.
import "./globals.css";
import "./controls.css";
import "./views.css";

export const metadata: Metadata = {
  title: { default: "SpaceClip", template: "%s · SpaceClip" },
  description: "Turn long podcasts, videos and X Spaces into short, platform-ready clips on your own machine.",
};

export const viewport: Viewport = { width: "device-width", initialScale: 1 };

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        {children}
      </body>
    </html>
  );
}

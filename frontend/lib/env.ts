import { z } from "zod";

// Public build-time settings (inlined by `next build`). The UI normally runs on the API's own origin,
// so the base URL stays empty; set NEXT_PUBLIC_API_BASE only to call an API on another origin.
const schema = z.object({
  NEXT_PUBLIC_API_BASE: z
    .union([z.literal(""), z.url({ protocol: /^https?$/ })])
    .default("")
    .transform((v) => v.replace(/\/+$/, "")),
});

export const env = schema.parse({ NEXT_PUBLIC_API_BASE: process.env.NEXT_PUBLIC_API_BASE });
export const apiBase = env.NEXT_PUBLIC_API_BASE;

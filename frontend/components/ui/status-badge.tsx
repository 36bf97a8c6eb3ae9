const KIND: Record<string, string> = {
  ready: "badge-ok",
  succeeded: "badge-ok",
  failed: "badge-error",
  cancelled: "badge-error",
  queued: "badge-busy",
  running: "badge-busy",
  probing: "badge-busy",
  analyzing: "badge-busy",
  ready_for_analysis: "",
};

const LABEL: Record<string, string> = {
  ready_for_analysis: "checked",
  succeeded: "done",
};

export function StatusBadge({ status }: { status: string }) {
  return <span className={`badge ${KIND[status] ?? ""}`}>{LABEL[status] ?? status.replaceAll("_", " ")}</span>;
}

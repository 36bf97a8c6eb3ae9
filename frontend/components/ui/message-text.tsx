import { codeSpans } from "@/lib/format";

/** A server message with its `commands` set as code (the API writes them between backticks). */
export function MessageText({ message }: { message: string }) {
  return <>{codeSpans(message).map((part, i) => (part.code ? <code key={i}>{part.text}</code> : part.text))}</>;
}

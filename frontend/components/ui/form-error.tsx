/** An API or validation message shown where the action happened; announced to screen readers. */
export function FormError({ message, id }: { message: string | null | undefined; id?: string }) {
  if (!message) return null;
  return (
    <div className="alert alert-error" role="alert" id={id}>
      {message}
    </div>
  );
}

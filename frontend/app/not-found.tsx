import Link from "next/link";

export default function NotFound() {
  return (
    <main id="main" className="auth-main">
      <div className="card stack">
        <h1>Page not found</h1>
        <p>There is nothing at this address. It may have moved, or the link is incomplete.</p>
        <Link className="button primary" href="/">
          Go to your projects
        </Link>
      </div>
    </main>
  );
}

import Link from "next/link";

// An address with nothing behind it (404). Shared links and invitations have their own (beside their pages).
export default function NotFound() {
  return (
    <main id="main" className="page">
      <section className="empty">
        <h1>Not found</h1>
        <p>There is nothing at this address.</p>
        <Link className="button" href="/">
          Go to Segmenta
        </Link>
      </section>
    </main>
  );
}

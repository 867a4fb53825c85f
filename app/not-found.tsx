import Link from "next/link";

// The same page for an address that never existed and a share link revoked or expired.
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

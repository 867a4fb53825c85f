import Link from "next/link";

export default function NotFound() {
  return (
    <section className="empty">
      <h1>Not found</h1>
      <p>There is nothing at this address.</p>
      <Link className="button" href="/">
        Back to datasets
      </Link>
    </section>
  );
}

// A token that never named a link (404): a revoked or expired one says so on the page itself (410).
export default function ShareNotFound() {
  return (
    <section className="card auth-card" role="alert" data-testid="share-not-found">
      <h1>Not found</h1>
      <p>No shared view has this address. Check that the whole link was copied, or ask the person who sent it for a new one.</p>
    </section>
  );
}

// An invitation used, expired or withdrawn (or never sent): 404, with what to do next.
export default function InvitationNotFound() {
  return (
    <section className="card auth-card" role="alert" data-testid="invite-not-found">
      <h1>This invitation is no longer valid</h1>
      <p className="muted">It was used, it expired (after 7 days), or it was withdrawn. Ask an admin of your Segmenta for a new one.</p>
    </section>
  );
}

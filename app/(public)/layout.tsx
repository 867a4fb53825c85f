// Sign-in, setup, invitations and shared links: no navigation into the workspace.
export default function PublicLayout({ children }: { children: React.ReactNode }) {
  return (
    <>
      <header className="top-bar">
        <span className="brand">
          <span className="brand-mark" aria-hidden="true" />
          Segmenta
        </span>
      </header>
      <main id="main" className="page">
        {children}
      </main>
    </>
  );
}

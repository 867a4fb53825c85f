/** While the dataset overview is read (or, right after an upload, computed): the page's frame with placeholders. */
export default function Loading() {
  return (
    <div className="overview overview-loading" aria-busy="true">
      <div className="loading" role="status" aria-live="polite">
        <span className="spinner" aria-hidden="true" />
        Loading the dataset overview… The first visit after an upload computes every chart; later visits read them saved.
      </div>
      <div className="grid-2" aria-hidden="true">
        <div className="card skeleton chart-wide" />
        <div className="card skeleton" />
        <div className="card skeleton" />
      </div>
    </div>
  );
}

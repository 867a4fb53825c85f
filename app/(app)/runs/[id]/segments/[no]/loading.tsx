export default function Loading() {
  return (
    <div className="loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      Loading the segment… (the first visit to a run computes every segment’s figures at once)
    </div>
  );
}

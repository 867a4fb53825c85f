import Link from "next/link";

export type DatasetTab = "overview" | "segmentations" | "customers";

/** The tab bar at the top of a dataset's pages: Overview and Segmentations (and Customers while on it). */
export function DatasetTabs({ datasetId, current }: { datasetId: number; current: DatasetTab }) {
  const tabs: { key: DatasetTab; label: string; href: string }[] = [
    { key: "overview", label: "Overview", href: `/datasets/${datasetId}` },
    { key: "segmentations", label: "Segmentations", href: `/datasets/${datasetId}/segmentations` },
  ];
  if (current === "customers") tabs.push({ key: "customers", label: "Customers", href: `/datasets/${datasetId}/customers` });
  return (
    <nav className="tabs dataset-tabs" aria-label="Dataset views">
      {tabs.map((t) => (
        <Link key={t.key} href={t.href} aria-current={t.key === current ? "page" : undefined} data-tab={t.key}>
          {t.label}
        </Link>
      ))}
    </nav>
  );
}

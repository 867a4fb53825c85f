/**
 * The features a run can cluster on besides a customers file's columns: each
 * buyer's purchase features (customer-features.sql), and age from the
 * customers file. One list for the API's validation, the form and the pages.
 */
export const PURCHASE_FEATURES = ["recencyDays", "frequency", "monetary", "averageOrderValue", "tenureDays", "products", "returnRate"] as const;
export const FEATURE_KEYS = [...PURCHASE_FEATURES, "age"] as const;
export type FeatureKey = (typeof FEATURE_KEYS)[number];

export const FEATURE_LABELS: Record<FeatureKey, string> = {
  recencyDays: "Recency (days)",
  frequency: "Frequency (invoices)",
  monetary: "Monetary (revenue)",
  averageOrderValue: "Average order value",
  tenureDays: "Tenure (days)",
  products: "Distinct products",
  returnRate: "Return rate",
  age: "Age",
};

export const isFeatureKey = (name: string): name is FeatureKey => (FEATURE_KEYS as readonly string[]).includes(name);

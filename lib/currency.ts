/**
 * A dataset's currency: the analyst's choice (datasets.currency), else a guess
 * from its countries: the currency of the invoice country with the most
 * revenue (United Kingdom → GBP, the eurozone → EUR, USA → USD …). Pure:
 * country names in, an ISO 4217 code out.
 */

const EURO = [
  "Austria", "Belgium", "Croatia", "Cyprus", "EIRE", "Estonia", "Finland", "France", "Germany", "Greece", "Ireland", "Italy", "Latvia",
  "Lithuania", "Luxembourg", "Malta", "Netherlands", "Portugal", "Slovakia", "Slovenia", "Spain",
];

/** Country names as exports write them (UCI Online Retail, sales_data_sample, ISO names) → their currency. */
const COUNTRY_CURRENCY: Record<string, string> = {
  ...Object.fromEntries(EURO.map((c) => [c, "EUR"])),
  "United Kingdom": "GBP", UK: "GBP", "Great Britain": "GBP", England: "GBP", Scotland: "GBP", Wales: "GBP", "Northern Ireland": "GBP", "Channel Islands": "GBP",
  USA: "USD", US: "USD", "United States": "USD", "United States of America": "USD",
  Australia: "AUD", Canada: "CAD", Japan: "JPY", Switzerland: "CHF", Sweden: "SEK", Norway: "NOK", Denmark: "DKK", Iceland: "ISK",
  Poland: "PLN", "Czech Republic": "CZK", Czechia: "CZK", Hungary: "HUF", Israel: "ILS", Brazil: "BRL", Singapore: "SGD", "Hong Kong": "HKD",
  "South Africa": "ZAR", RSA: "ZAR", "New Zealand": "NZD", India: "INR", China: "CNY", Korea: "KRW", "South Korea": "KRW", Mexico: "MXN",
  "United Arab Emirates": "AED", "Saudi Arabia": "SAR", Bahrain: "BHD", Lebanon: "LBP", Nigeria: "NGN", Thailand: "THB", Philippines: "PHP",
};

const lower = new Map(Object.entries(COUNTRY_CURRENCY).map(([country, code]) => [country.toLowerCase(), code]));

/** The currency of a country name, or null when it is not known (or not a country: "Unspecified", "Other"). */
export function currencyOfCountry(country: string): string | null {
  return lower.get(country.trim().toLowerCase()) ?? null;
}

/**
 * The currency of the country bringing the most revenue (the shop's home market, whose currency its
 * files are in: UCI Online Retail's United Kingdom, sales_data_sample's USA); countries with no known
 * currency are passed over; null when none has one.
 */
export function guessCurrency(countries: readonly { country: string; revenue: number }[]): string | null {
  let best: { code: string; revenue: number } | null = null;
  for (const c of countries) {
    const code = currencyOfCountry(c.country);
    if (code && c.revenue > 0 && (best === null || c.revenue > best.revenue)) best = { code, revenue: c.revenue };
  }
  return best?.code ?? null;
}

/** Whether a code is an ISO 4217 currency this runtime can format. */
export function isCurrencyCode(code: string): boolean {
  return /^[A-Z]{3}$/.test(code) && Intl.supportedValuesOf("currency").includes(code);
}

/** The currencies offered on the dataset page: the common ones first, then every other code the runtime knows. */
export function currencyChoices(): string[] {
  const common = ["GBP", "EUR", "USD", "AUD", "CAD", "CHF", "JPY", "SEK", "NOK", "DKK", "PLN"];
  return [...common, ...Intl.supportedValuesOf("currency").filter((c) => !common.includes(c))];
}

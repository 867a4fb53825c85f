import { describe, expect, test } from "vitest";
import { currencyOfCountry, guessCurrency, isCurrencyCode } from "./currency";
import { formatMoney, formatMoneyWhole, moneyLabel } from "./format";

describe("guessCurrency", () => {
  test("takes the currency of the country with the most revenue (UCI's names included)", () => {
    expect(guessCurrency([{ country: "United Kingdom", revenue: 8_000 }, { country: "EIRE", revenue: 300 }, { country: "Germany", revenue: 200 }])).toBe("GBP");
    // The home market decides, even when the eurozone's countries together bring more (sales_data_sample: USA against Spain, France, …).
    expect(guessCurrency([{ country: "United Kingdom", revenue: 500 }, { country: "Germany", revenue: 300 }, { country: "France", revenue: 300 }])).toBe("GBP");
    expect(guessCurrency([{ country: "Germany", revenue: 600 }, { country: "United Kingdom", revenue: 500 }])).toBe("EUR");
    expect(guessCurrency([{ country: "USA", revenue: 10 }, { country: "Other", revenue: 100 }])).toBe("USD");
    expect(guessCurrency([{ country: "Unspecified", revenue: 10 }])).toBeNull();
    expect(guessCurrency([])).toBeNull();
    expect(currencyOfCountry(" united kingdom ")).toBe("GBP");
  });

  test("knows ISO 4217 codes from the runtime's list", () => {
    expect(isCurrencyCode("GBP")).toBe(true);
    expect(isCurrencyCode("gbp")).toBe(false);
    expect(isCurrencyCode("EURO")).toBe(false);
    expect(isCurrencyCode("XYZ")).toBe(false);
  });
});

describe("formatMoney", () => {
  test("writes amounts with their currency and two decimals, or bare without one", () => {
    expect(formatMoney("9539484.63", "GBP")).toBe("£9,539,484.63");
    expect(formatMoney(8_639_656.9, "EUR")).toBe("€8,639,656.90");
    expect(formatMoney(69, "USD")).toBe("US$69.00");
    expect(formatMoney(1234.5)).toBe("1,234.50");
    expect(formatMoneyWhole(1234.5, "GBP")).toBe("£1,235");
    expect(formatMoneyWhole(1234.5)).toBe("1,235");
    expect(moneyLabel("Revenue", "GBP")).toBe("Revenue (GBP)");
    expect(moneyLabel("Revenue", null)).toBe("Revenue");
  });
});

import * as bgnbd from "./clv";
import type { Fit, RepeatSummary } from "./clv";
import * as mbgnbd from "./mbgnbd";
import * as paretonbd from "./pareto-nbd";

/**
 * The repeat-buying ("churn") models side by side, so callers can fit and
 * compare them in one loop: BG/NBD (Fader, Hardie and Lee 2005; clv.ts),
 * MBG/NBD (Batislam, Denizel and Filiztekin 2007; mbgnbd.ts) and Pareto/NBD
 * (Schmittlein, Morrison and Colombo 1987; pareto-nbd.ts), all fitted with
 * Python lifetimes' conventions. Parameters travel as plain records keyed by
 * paramNames, in the model's own time unit.
 */
export type ChurnModelName = "bgnbd" | "mbgnbd" | "paretonbd";

export interface ChurnModel {
  /** For people: "BG/NBD", "MBG/NBD", "Pareto/NBD". */
  label: string;
  /** The parameters' names, in the papers' order. */
  paramNames: readonly string[];
  fit(customers: readonly RepeatSummary[]): Fit<Record<string, number>>;
  /** Probability that the customer is still active at the analysis date. */
  probabilityAlive(params: Record<string, number>, customer: RepeatSummary): number;
  /** probabilityAlive of many customers at one fit (Pareto/NBD shares its costly terms between them). */
  probabilityAliveOf(params: Record<string, number>): (customer: RepeatSummary) => number;
  /** Expected purchases in the next `t` time units, given the customer's history. */
  expectedPurchases(params: Record<string, number>, customer: RepeatSummary, t: number): number;
  /**
   * Expected purchases in the next `t` time units if the customer is still
   * alive, a function of (x, T) alone: expectedPurchases is this times
   * probabilityAlive in all three models, so a forecast over many horizons
   * takes P(alive) (Pareto/NBD's costs two hypergeometric functions) once.
   */
  expectedPurchasesIfAlive(params: Record<string, number>, customer: Pick<RepeatSummary, "frequency" | "T">, t: number): number;
  /** Probability that a new customer (just made a first purchase) is still active `t` time units later, over the population. */
  aliveAfter(params: Record<string, number>, t: number): number;
}

/** Reads the named parameters out of a record, or throws if one is missing (a record from another model). */
function take<K extends string>(names: readonly K[], params: Record<string, number>): Record<K, number> {
  const out = {} as Record<K, number>;
  for (const name of names) {
    const value = params[name];
    if (typeof value !== "number") throw new Error(`missing parameter ${name} (have ${Object.keys(params).join(", ")})`);
    out[name] = value;
  }
  return out;
}

/** A fit with its parameters as a plain record. */
function asRecord<P extends object>(fit: Fit<P>): Fit<Record<string, number>> {
  return { ...fit, params: { ...(fit.params as Record<string, number>) } };
}

const BG_NAMES = ["r", "alpha", "a", "b"] as const;
const PARETO_NAMES = ["r", "alpha", "s", "beta"] as const;

export const CHURN_MODELS: Record<ChurnModelName, ChurnModel> = {
  bgnbd: {
    label: "BG/NBD",
    paramNames: BG_NAMES,
    fit: (customers) => asRecord(bgnbd.fitBgNbd(customers)),
    probabilityAlive: (params, customer) => bgnbd.probabilityAlive(take(BG_NAMES, params), customer),
    probabilityAliveOf: (params) => {
      const named = take(BG_NAMES, params);
      return (customer) => bgnbd.probabilityAlive(named, customer);
    },
    expectedPurchases: (params, customer, t) => bgnbd.expectedPurchases(take(BG_NAMES, params), customer, t),
    // BG/NBD's numerator over its denominator, 1 / P(alive) (clv.ts).
    expectedPurchasesIfAlive: (params, customer, t) => bgnbd.expectedPurchasesNumerator(take(BG_NAMES, params), customer, t),
    aliveAfter: (params, t) => bgnbd.aliveAfter(take(BG_NAMES, params), t),
  },
  mbgnbd: {
    label: "MBG/NBD",
    paramNames: BG_NAMES,
    fit: (customers) => asRecord(mbgnbd.fitMbgNbd(customers)),
    probabilityAlive: (params, customer) => mbgnbd.probabilityAlive(take(BG_NAMES, params), customer),
    probabilityAliveOf: (params) => {
      const named = take(BG_NAMES, params);
      return (customer) => mbgnbd.probabilityAlive(named, customer);
    },
    expectedPurchases: (params, customer, t) => mbgnbd.expectedPurchases(take(BG_NAMES, params), customer, t),
    expectedPurchasesIfAlive: (params, customer, t) => mbgnbd.expectedPurchasesIfAlive(take(BG_NAMES, params), customer, t),
    aliveAfter: (params, t) => mbgnbd.aliveAfter(take(BG_NAMES, params), t),
  },
  paretonbd: {
    label: "Pareto/NBD",
    paramNames: PARETO_NAMES,
    fit: (customers) => asRecord(paretonbd.fitParetoNbd(customers)),
    probabilityAlive: (params, customer) => paretonbd.probabilityAlive(take(PARETO_NAMES, params), customer),
    probabilityAliveOf: (params) => paretonbd.probabilityAliveOf(take(PARETO_NAMES, params)),
    expectedPurchases: (params, customer, t) => paretonbd.expectedPurchases(take(PARETO_NAMES, params), customer, t),
    expectedPurchasesIfAlive: (params, customer, t) => paretonbd.expectedPurchasesIfAlive(take(PARETO_NAMES, params), customer, t),
    aliveAfter: (params, t) => paretonbd.aliveAfter(take(PARETO_NAMES, params), t),
  },
};

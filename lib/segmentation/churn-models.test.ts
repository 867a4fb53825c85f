import gammaln from "@stdlib/math-base-special-gammaln";
import { describe, expect, test } from "vitest";
import { cdnowSummary } from "../../tests/support/cdnow-summary";
import { CHURN_MODELS, type ChurnModelName } from "./churn-models";
import type { RepeatSummary } from "./clv";
import { PARETO_NBD_SHAPE_CAP } from "./pareto-nbd";
import { createRng } from "./random";

/**
 * The three repeat-buying models through the registry, each held to a
 * computation independent of its closed forms: the customer-level story of
 * its paper (purchases at rate λ while alive; BG/NBD: dropout after a repeat
 * purchase with probability p; MBG/NBD: also right after the first purchase;
 * Pareto/NBD: an exponential lifetime of rate μ), integrated numerically over
 * the mixing distributions (λ ~ Gamma(r, α), p ~ Beta(a, b), μ ~ Gamma(s, β))
 * or simulated with a seeded generator. Published values (lifetimes' tests,
 * the papers) are in clv.test.ts, mbgnbd.test.ts and pareto-nbd.test.ts.
 *
 * Fit times (not asserted; Node 20 on a 2-core machine, ranges over runs
 * while another process shared it; the first fit in a process includes JIT
 * warm-up):
 * - CDNOW summary (2,357 customers, weeks): BG/NBD 46-116 ms, MBG/NBD
 *   56-160 ms, Pareto/NBD 50-120 ms;
 * - 200,000 simulated Pareto/NBD customers by day (r 0.55, α 74, s 0.6,
 *   β 82; 54,000 distinct profiles, 5,000 distinct (x, t_x) and (x, T)
 *   pairs): BG/NBD 0.6-1.0 s, MBG/NBD 0.6-1.5 s, Pareto/NBD 0.9-1.1 s
 *   (1.7-1.9 s with a 2F1 per pair);
 * - 200,000 customers without dropout (106,000 profiles, 9,600 pairs):
 *   BG/NBD 1.6-2.0 s, MBG/NBD 0.9-1.7 s, Pareto/NBD 1.2-1.7 s (76
 *   evaluations; 3.6-6.7 s, 159 evaluations of 24 ms, with a 2F1 per pair,
 *   z near 1, and s/β left to run to 0);
 * - the 20,000 customers of one dropout rate below: Pareto/NBD 0.7-1.0 s, at
 *   its shape cap (a synthetic shop of 46,863 such customers, weeks: 411 s
 *   before the cap, 1.1-1.8 s now; pareto-nbd.ts).
 */
const MODELS = Object.keys(CHURN_MODELS) as ChurnModelName[];

/** Seeded draws: uniform, exponential, Gamma (Marsaglia and Tsang 2000) and Beta. */
function sampler(seed: number) {
  const uniform = createRng(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
  const gamma = (shape: number, rate: number): number => {
    if (shape < 1) return gamma(shape + 1, rate) * (1 - uniform()) ** (1 / shape);
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      if (Math.log(1 - uniform()) < 0.5 * x * x + d - d * v + d * Math.log(v)) return (d * v) / rate;
    }
  };
  const beta = (a: number, b: number) => {
    const x = gamma(a, 1);
    return x / (x + gamma(b, 1));
  };
  const exponential = (rate: number) => -Math.log(1 - uniform()) / rate;
  return { uniform, gamma, beta, exponential };
}

type Draw = ReturnType<typeof sampler>;

/**
 * Each model's customer-level story, from its paper, written apart from the
 * closed forms under test. θ is p (dropout probability per purchase, Beta(a,
 * b)) for the BG family and μ (dropout rate, Gamma(s, β)) for Pareto/NBD.
 */
interface Story {
  /** The mixing distribution of θ: Beta(a, b) or Gamma(s, β), from the model's parameters. */
  theta(params: Record<string, number>): { kind: "beta"; a: number; b: number } | { kind: "gamma"; shape: number; rate: number };
  /** log P(history and alive at T | λ, θ) without the λ^x factor shared by every term. */
  logAlive(lambda: number, theta: number, c: RepeatSummary): number;
  /** log P(history and gone by T | λ, θ), same factor left out. */
  logGone(lambda: number, theta: number, c: RepeatSummary): number;
  /** Expected purchases in the next t units for a customer alive now. */
  futureIfAlive(lambda: number, theta: number, t: number): number;
  /** P(a new customer is alive t units after the first purchase | λ, θ). */
  survival(lambda: number, theta: number, t: number): number;
  /** Simulates one new customer up to t: alive at t? */
  simulateAlive(draw: Draw, lambda: number, theta: number, t: number): boolean;
}

/** BG/NBD and MBG/NBD: dropout at a purchase with probability p; MBG/NBD also at the first purchase (time 0). */
function bgStory(atFirstPurchase: boolean): Story {
  const survivals = (x: number) => (atFirstPurchase ? x + 1 : x);
  return {
    theta: (params) => ({ kind: "beta", a: params.a!, b: params.b! }),
    logAlive: (lambda, p, c) => survivals(c.frequency) * Math.log1p(-p) - lambda * c.T,
    // Gone right after the last purchase, which it survived the earlier ones (BG/NBD: only a repeat purchase).
    logGone: (lambda, p, c) =>
      !atFirstPurchase && c.frequency === 0 ? Number.NEGATIVE_INFINITY : Math.log(p) + (survivals(c.frequency) - 1) * Math.log1p(-p) - lambda * c.recency,
    // Dropout comes after an exponential time of rate λp, purchases at rate λ until then.
    futureIfAlive: (lambda, p, t) => -Math.expm1(-lambda * p * t) / p,
    survival: (lambda, p, t) => (atFirstPurchase ? 1 - p : 1) * Math.exp(-lambda * p * t),
    simulateAlive: (draw, lambda, p, t) => {
      if (atFirstPurchase && draw.uniform() < p) return false;
      for (let time = draw.exponential(lambda); time <= t; time += draw.exponential(lambda)) if (draw.uniform() < p) return false;
      return true;
    },
  };
}

const STORIES: Record<ChurnModelName, Story> = {
  bgnbd: bgStory(false),
  mbgnbd: bgStory(true),
  paretonbd: {
    theta: (params) => ({ kind: "gamma", shape: params.s!, rate: params.beta! }),
    logAlive: (lambda, mu, c) => -(lambda + mu) * c.T,
    // Gone at some time in (t_x, T]: ∫ μ e^−(λ+μ)τ dτ.
    logGone: (lambda, mu, c) =>
      c.recency === c.T ? Number.NEGATIVE_INFINITY : Math.log(mu / (lambda + mu)) - (lambda + mu) * c.recency + Math.log(-Math.expm1(-(lambda + mu) * (c.T - c.recency))),
    futureIfAlive: (lambda, mu, t) => (lambda * -Math.expm1(-mu * t)) / mu,
    survival: (_lambda, mu, t) => Math.exp(-mu * t),
    simulateAlive: (draw, _lambda, mu, t) => draw.exponential(mu) > t,
  },
};

/**
 * Nodes and log-weights of the trapezoid rule for ∫ g(y) π(y) dy over a
 * Gamma(shape, rate) density π, in v = log y (integrands smooth and decaying
 * fast at both ends, where the rule converges geometrically), from
 * `centre` − `low` to `centre` + `high` in v.
 */
function gammaNodes(shape: number, rate: number, centre: number, low: number, high: number, step: number): { at: number[]; logWeight: number[] } {
  const at: number[] = [];
  const logWeight: number[] = [];
  for (let v = centre - low; v <= centre + high; v += step) {
    at.push(Math.exp(v));
    logWeight.push(shape * (Math.log(rate) + v) - rate * Math.exp(v) - gammaln(shape) + Math.log(step));
  }
  return { at, logWeight };
}

/** The same for a Beta(a, b) density, in w = logit p, from −low to high. */
function betaNodes(a: number, b: number, low: number, high: number, step: number): { at: number[]; logWeight: number[] } {
  const at: number[] = [];
  const logWeight: number[] = [];
  const logBeta = gammaln(a) + gammaln(b) - gammaln(a + b);
  for (let w = -low; w <= high; w += step) {
    const logP = -Math.log1p(Math.exp(-w));
    const logQ = -Math.log1p(Math.exp(w));
    at.push(Math.exp(logP));
    logWeight.push(a * logP + b * logQ - logBeta + Math.log(step));
  }
  return { at, logWeight };
}

/**
 * P(alive) and expected purchases in the next t units of one customer, as
 * posterior means over (λ, θ): ∫∫ [alive term] · g / ∫∫ [alive + gone terms],
 * by the trapezoid rule on grids fitted to the customer's posterior.
 */
function posterior(model: ChurnModelName, params: Record<string, number>, c: RepeatSummary, t: number): { alive: number; expected: number } {
  const story = STORIES[model];
  const { r, alpha } = params as { r: number; alpha: number };
  const shape = r + c.frequency;
  // λ's posterior: near Gamma(r + x, α + t_x … α + T); its lower tail falls like λ^(r + x), its upper one like e^−λ(α+T).
  const lambdas = gammaNodes(r, alpha, Math.log(shape / (alpha + c.T)), 38 / shape + 1, Math.log((alpha + c.T) / (alpha + c.recency)) + 9 / Math.sqrt(shape) + 1, 0.12 / Math.sqrt(1 + shape / 4));
  const mixing = story.theta(params);
  const thetas =
    mixing.kind === "beta"
      ? // p's posterior falls like p^a towards 0 and like (1 − p)^(b + x) towards 1.
        betaNodes(mixing.a, mixing.b, 38 / mixing.a + 2, 38 / (mixing.b + c.frequency) + 2, 0.1 / Math.sqrt(1 + c.frequency / 20))
      : // μ's falls like μ^s towards 0 and like e^−μβ beyond s/β.
        gammaNodes(mixing.shape, mixing.rate, Math.log(mixing.shape / mixing.rate), 38 / Math.min(mixing.shape, 1) + 2, Math.log(40 / mixing.shape) + 3, 0.1);
  let total = 0;
  let alive = 0;
  let expected = 0;
  // λ^x and the largest weight are factored out so nothing underflows.
  const logPowerAt = lambdas.at.map((l, i) => c.frequency * Math.log(l) + lambdas.logWeight[i]!);
  const shift = Math.max(...logPowerAt);
  for (let i = 0; i < lambdas.at.length; i++) {
    const lambda = lambdas.at[i]!;
    for (let j = 0; j < thetas.at.length; j++) {
      const theta = thetas.at[j]!;
      const base = logPowerAt[i]! - shift + thetas.logWeight[j]!;
      const a = Math.exp(base + story.logAlive(lambda, theta, c));
      const g = Math.exp(base + story.logGone(lambda, theta, c));
      total += a + g;
      alive += a;
      expected += a * story.futureIfAlive(lambda, theta, t);
    }
  }
  return { alive: alive / total, expected: expected / total };
}

/** A new customer's survival to t over the mixing distribution, by the trapezoid rule (λ: a coarse grid suffices, as only BG's depends on it). */
function survivalIntegral(model: ChurnModelName, params: Record<string, number>, t: number): number {
  const story = STORIES[model];
  const { r, alpha } = params as { r: number; alpha: number };
  const lambdas = gammaNodes(r, alpha, Math.log(r / alpha), 38 / Math.min(r, 1) + 2, Math.log(40 / r) + 3, 0.08);
  const mixing = story.theta(params);
  const thetas =
    mixing.kind === "beta"
      ? betaNodes(mixing.a, mixing.b, 38 / mixing.a + 2, 38 / mixing.b + 2, 0.08)
      : gammaNodes(mixing.shape, mixing.rate, Math.log(mixing.shape / mixing.rate), 38 / Math.min(mixing.shape, 1) + 2, Math.log(40 / mixing.shape) + 3, 0.08);
  let sum = 0;
  for (let i = 0; i < lambdas.at.length; i++) {
    for (let j = 0; j < thetas.at.length; j++) {
      sum += Math.exp(lambdas.logWeight[i]! + thetas.logWeight[j]!) * story.survival(lambdas.at[i]!, thetas.at[j]!, t);
    }
  }
  return sum;
}

/** Simulates customers from a model's story, by day: first purchase on day 0, T days old, purchases on whole days. */
function simulateCustomers(model: ChurnModelName, params: Record<string, number>, count: number, maxDays: number, seed: number): RepeatSummary[] {
  const draw = sampler(seed);
  const mixing = STORIES[model].theta(params);
  const out: RepeatSummary[] = [];
  for (let i = 0; i < count; i++) {
    const T = 1 + Math.floor(draw.uniform() * maxDays);
    const lambda = draw.gamma(params.r!, params.alpha!);
    const theta = mixing.kind === "beta" ? draw.beta(mixing.a, mixing.b) : draw.gamma(mixing.shape, mixing.rate);
    // The end of the customer's life (or T): Pareto/NBD an exponential time; the BG family a purchase that drops out.
    let end = T;
    if (model === "paretonbd") end = Math.min(T, draw.exponential(theta));
    else if (model === "mbgnbd" && draw.uniform() < theta) end = 0;
    const days = new Set<number>();
    for (let time = draw.exponential(lambda); time < end; time += draw.exponential(lambda)) {
      if (Math.floor(time) > 0) days.add(Math.floor(time));
      if (model !== "paretonbd" && draw.uniform() < theta) break;
    }
    const last = days.size ? Math.max(...days) : 0;
    out.push({ frequency: days.size, recency: last, T });
  }
  return out;
}

const cdnow = cdnowSummary();
const fits = Object.fromEntries(MODELS.map((m) => [m, CHURN_MODELS[m].fit(cdnow)])) as Record<ChurnModelName, ReturnType<(typeof CHURN_MODELS)["bgnbd"]["fit"]>>;

describe("the churn model registry", () => {
  test("lists BG/NBD, MBG/NBD and Pareto/NBD, each fit giving its named parameters", () => {
    expect(MODELS).toEqual(["bgnbd", "mbgnbd", "paretonbd"]);
    expect(MODELS.map((m) => CHURN_MODELS[m].label)).toEqual(["BG/NBD", "MBG/NBD", "Pareto/NBD"]);
    for (const m of MODELS) {
      expect(Object.keys(fits[m].params).sort()).toEqual([...CHURN_MODELS[m].paramNames].sort());
      expect(Object.values(fits[m].params).every((v) => Number.isFinite(v) && v > 0)).toBe(true);
    }
    // Fader, Hardie and Lee (2005): BG/NBD r 0.243, alpha 4.414, a 0.793, b 2.426 on CDNOW.
    expect(CHURN_MODELS.bgnbd.paramNames.map((n) => fits.bgnbd.params[n]!.toFixed(3))).toEqual(["0.243", "4.414", "0.793", "2.426"]);
  });

  test("refuses another model's parameters instead of returning NaN", () => {
    expect(() => CHURN_MODELS.paretonbd.probabilityAlive(fits.bgnbd.params, { frequency: 1, recency: 1, T: 2 })).toThrow(/missing parameter s/);
  });
});

describe.each(MODELS)("%s: P(alive) and expected purchases are the posterior means of its story", (model) => {
  const spec = CHURN_MODELS[model];
  const { params } = fits[model];

  test.each([
    { frequency: 0, recency: 0, T: 38.86 },
    { frequency: 2, recency: 30.43, T: 38.86 },
    { frequency: 7, recency: 10, T: 38 },
    { frequency: 26, recency: 30.86, T: 31 },
    { frequency: 120, recency: 36, T: 38 },
  ])("x $frequency, t_x $recency, T $T", (customer) => {
    for (const t of [1, 39]) {
      const { alive, expected } = posterior(model, params, customer, t);
      expect(Math.abs(spec.probabilityAlive(params, customer) - alive)).toBeLessThan(1e-9 * Math.max(alive, 1e-3));
      expect(Math.abs(spec.expectedPurchases(params, customer, t) / expected - 1)).toBeLessThan(1e-8);
      // The factors customer values and the holdout check take apart: P(alive) of many customers at one fit, and
      // the purchases expected if alive, of (x, T) alone.
      const aliveOf = spec.probabilityAliveOf(params);
      expect(Math.abs(aliveOf(customer) - alive)).toBeLessThan(1e-9 * Math.max(alive, 1e-3));
      const ifAlive = spec.expectedPurchasesIfAlive(params, { frequency: customer.frequency, T: customer.T }, t);
      expect(Math.abs((aliveOf(customer) * ifAlive) / expected - 1)).toBeLessThan(1e-8);
    }
  });
});

describe.each(MODELS)("%s: aliveAfter, a new customer's survival over the population", (model) => {
  const spec = CHURN_MODELS[model];
  const { params } = fits[model];

  test("equals the survival of its story integrated over the mixing distribution", () => {
    for (const t of [0.5, 5, 39, 78, 520]) expect(Math.abs(spec.aliveAfter(params, t) - survivalIntegral(model, params, t))).toBeLessThan(1e-9);
    expect(spec.aliveAfter(params, 0)).toBe(model === "mbgnbd" ? params.b! / (params.a! + params.b!) : 1);
  });

  test("equals the share still alive among 100,000 simulated new customers (within 4 standard errors)", () => {
    const draw = sampler(20_240_916);
    const mixing = STORIES[model].theta(params);
    const horizons = [5, 39, 78];
    const alive = horizons.map(() => 0);
    const n = 100_000;
    for (let i = 0; i < n; i++) {
      const lambda = draw.gamma(params.r!, params.alpha!);
      const theta = mixing.kind === "beta" ? draw.beta(mixing.a, mixing.b) : draw.gamma(mixing.shape, mixing.rate);
      horizons.forEach((t, k) => {
        if (STORIES[model].simulateAlive(draw, lambda, theta, t)) alive[k]!++;
      });
    }
    horizons.forEach((t, k) => {
      const expected = spec.aliveAfter(params, t);
      const share = alive[k]! / n;
      expect(Math.abs(share - expected)).toBeLessThan(4 * Math.sqrt((expected * (1 - expected)) / n));
    });
  });

  test("falls with time", () => {
    const values = [0, 1, 10, 100, 1000].map((t) => spec.aliveAfter(params, t));
    expect(values).toEqual([...values].sort((a, b) => b - a));
    expect(values[4]).toBeGreaterThan(0);
  });
});

describe("fits of simulated customers", () => {
  // Customers by day over a year, as a shop's would be: first purchases spread over 365 days.
  const truth: Record<ChurnModelName, Record<string, number>> = {
    bgnbd: { r: 0.6, alpha: 40, a: 0.8, b: 2.5 },
    mbgnbd: { r: 0.6, alpha: 40, a: 0.8, b: 2.5 },
    paretonbd: { r: 0.6, alpha: 40, s: 0.7, beta: 120 },
  };

  test.each(MODELS)("%s recovers the parameters it simulated 30,000 customers from", (model) => {
    const customers = simulateCustomers(model, truth[model], 30_000, 365, 7);
    const { params } = CHURN_MODELS[model].fit(customers);
    // What the data pin down best: the purchase rate r/alpha, and the share of new customers still alive after a year.
    expect(Math.abs(params.r! / params.alpha! / (truth[model].r! / truth[model].alpha!) - 1)).toBeLessThan(0.05);
    expect(Math.abs(CHURN_MODELS[model].aliveAfter(params, 365) - CHURN_MODELS[model].aliveAfter(truth[model], 365))).toBeLessThan(0.03);
    for (const name of CHURN_MODELS[model].paramNames) expect(Math.abs(Math.log(params[name]! / truth[model][name]!))).toBeLessThan(0.25);
  });

  test.each(MODELS)("%s converges on a shop where no one drops out, to almost no dropout, without an error", (model) => {
    // Poisson purchases at Gamma(0.8, 40)-distributed daily rates for the whole year: nobody leaves.
    const customers = simulateCustomers("paretonbd", { r: 0.8, alpha: 40, s: 1e-9, beta: 1e9 }, 5_000, 365, 11);
    const { params } = CHURN_MODELS[model].fit(customers);
    expect(1 - CHURN_MODELS[model].aliveAfter(params, 365)).toBeLessThan(0.01);
    // A customer who bought 5 times in 200 days, the last 100 days ago, is still there (they only buy every 40 days).
    expect(CHURN_MODELS[model].probabilityAlive(params, { frequency: 5, recency: 100, T: 200 })).toBeGreaterThan(0.9);
  });

  test("paretonbd on a shop whose customers all drop out at one rate ends, at its shape cap, with s/beta that rate", () => {
    // 20,000 customers by day over a year, buying at Gamma(0.6, 40)-distributed daily rates while alive, every lifetime
    // exponential at the same μ = 1/250 a day: the Gamma(s, β) of μ is a point mass, so the likelihood rises along
    // s/β = μ towards s = ∞ (in this draw all the way; in others of this size a finite s of 15 to 85 fits best).
    const mu = 1 / 250;
    const draw = sampler(3);
    const customers: RepeatSummary[] = [];
    let alive = 0;
    for (let i = 0; i < 20_000; i++) {
      const T = 1 + Math.floor(draw.uniform() * 365);
      const lambda = draw.gamma(0.6, 40);
      const death = draw.exponential(mu);
      if (death > T) alive++;
      const days = new Set<number>();
      for (let time = draw.exponential(lambda); time < Math.min(T, death); time += draw.exponential(lambda)) if (Math.floor(time) > 0) days.add(Math.floor(time));
      customers.push({ frequency: days.size, recency: days.size ? Math.max(...days) : 0, T });
    }
    const spec = CHURN_MODELS.paretonbd;
    const { params } = spec.fit(customers);
    expect(Object.values(params).every((v) => Number.isFinite(v) && v > 0)).toBe(true);
    expect(params.s).toBeGreaterThan(0.99 * PARETO_NBD_SHAPE_CAP);
    expect(params.s).toBeLessThanOrEqual(PARETO_NBD_SHAPE_CAP);
    expect(Math.abs(params.s! / params.beta! / mu - 1)).toBeLessThan(0.1);
    // Its P(alive), summed over the customers, counts those the simulation left alive at T.
    const expectedAlive = customers.reduce((total, c) => total + spec.probabilityAlive(params, c), 0);
    expect(Math.abs(expectedAlive / alive - 1)).toBeLessThan(0.02);
  });
});

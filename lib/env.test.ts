import { describe, expect, test } from "vitest";
import { readEnv } from "./env";

describe("readEnv", () => {
  test("has defaults for everything", () => {
    expect(readEnv({})).toEqual({
      DATABASE_URL: undefined,
      PORT: 3000,
      SEGMENTA_DATA_DIR: ".data/postgres",
      SEGMENTA_PG_PORT: 54329,
      SEGMENTA_UPLOAD_LIMIT: 1024 ** 3,
      SEGMENTA_MAX_FIELD_BYTES: 1024 ** 2,
      SEGMENTA_BACKGROUND_NICE: 10,
      SEGMENTA_MONITOR_MS: 0,
      SEGMENTA_SAMPLE: "1",
    });
  });

  test("takes DATABASE_URL and PORT, treating an empty DATABASE_URL as unset", () => {
    expect(readEnv({ DATABASE_URL: "postgresql://u:p@db:5432/x", PORT: "8080" })).toMatchObject({ DATABASE_URL: "postgresql://u:p@db:5432/x", PORT: 8080 });
    expect(readEnv({ DATABASE_URL: "" }).DATABASE_URL).toBeUndefined();
  });

  test("names the setting that is wrong", () => {
    expect(() => readEnv({ PORT: "eighty" })).toThrow(/PORT/);
    expect(() => readEnv({ DATABASE_URL: "not a url" })).toThrow(/DATABASE_URL/);
  });
});

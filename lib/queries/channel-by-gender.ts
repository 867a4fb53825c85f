import type pg from "pg";
import { z } from "zod";
import { fileQuery } from "./file-query";
import { num } from "./rows";
import { sqlFile } from "./sql-file";

/** Customers on file per gender and preferred channel (lib/queries/sql/channel-by-gender.sql). */
export const ChannelGenderRow = z.object({
  gender: z.string(),
  channel: z.string(),
  customers: num,
  /** Share of the gender's customers. */
  genderShare: num,
  genderCustomers: num,
  channelCustomers: num,
});
export type ChannelGenderRow = z.infer<typeof ChannelGenderRow>;

export const channelByGenderSql = () => sqlFile("channel-by-gender");
export const channelByGenderQuery = (pool: pg.Pool, datasetId: number) => fileQuery(pool, "channel-by-gender", datasetId, ChannelGenderRow);
export const getChannelByGender = (pool: pg.Pool, datasetId: number) => channelByGenderQuery(pool, datasetId).compute();

import type pg from "pg";
import { fileQuery } from "./file-query";
import { sqlFile } from "./sql-file";

/** Customers on file per gender and preferred channel (lib/queries/sql/channel-by-gender.sql). */
export interface ChannelGenderRow {
  gender: string;
  channel: string;
  customers: number;
  /** Share of the gender's customers. */
  genderShare: number;
  genderCustomers: number;
  channelCustomers: number;
}

export const channelByGenderSql = () => sqlFile("channel-by-gender");
export const channelByGenderQuery = (pool: pg.Pool, datasetId: number) => fileQuery<ChannelGenderRow>(pool, "channel-by-gender", datasetId, ["gender", "channel"]);
export const getChannelByGender = (pool: pg.Pool, datasetId: number) => channelByGenderQuery(pool, datasetId).compute();

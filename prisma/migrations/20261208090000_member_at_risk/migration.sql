-- Whether the run's churn signal flags the member as at risk (issue 16): the churn model's P(alive) below 0.5
-- when the model passed its holdout check, else the recency rule that best foresaw who did not come back
-- (the run's metrics name it). Null for runs saved before: their readers take P(alive) < 0.5, as then.
ALTER TABLE "segment_members" ADD COLUMN "at_risk" BOOLEAN;

CREATE TABLE `report_deliveries` (
	`tenant_id` text NOT NULL,
	`subscription_id` text NOT NULL,
	`period_key` text NOT NULL,
	`recipient` text NOT NULL,
	`status` text NOT NULL,
	`claimed_at` text NOT NULL,
	`sent_at` text,
	`message_id` text,
	PRIMARY KEY(`tenant_id`, `subscription_id`, `period_key`, `recipient`),
	CONSTRAINT "report_deliveries_status" CHECK(status IN ('sending', 'sent'))
);
--> statement-breakpoint
CREATE TABLE `report_subscriptions` (
	`tenant_id` text NOT NULL,
	`id` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`deleted_at` text,
	`name` text NOT NULL,
	`report` text DEFAULT 'executive' NOT NULL,
	`frequency` text NOT NULL,
	`format` text DEFAULT 'both' NOT NULL,
	`recipients` text NOT NULL,
	`active` integer DEFAULT true NOT NULL,
	`created_by` text NOT NULL,
	`unsubscribe_key` text NOT NULL,
	PRIMARY KEY(`tenant_id`, `id`)
);
--> statement-breakpoint
CREATE INDEX `report_subscriptions_tenant_updated_idx` ON `report_subscriptions` (`tenant_id`,`updated_at`,`id`);--> statement-breakpoint
CREATE INDEX `report_subscriptions_active_idx` ON `report_subscriptions` (`active`,`tenant_id`);--> statement-breakpoint
CREATE TABLE `rfm_runs` (
	`tenant_id` text NOT NULL,
	`run_date` text NOT NULL,
	`status` text NOT NULL,
	`as_of` text NOT NULL,
	`previous_run_date` text,
	`started_at` text NOT NULL,
	`scored_at` text,
	`completed_at` text,
	`customers` integer DEFAULT 0 NOT NULL,
	`scored` integer DEFAULT 0 NOT NULL,
	`changed` integer DEFAULT 0 NOT NULL,
	`events_appended` integer DEFAULT 0 NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`scoring_ms` integer,
	`thresholds` text,
	PRIMARY KEY(`tenant_id`, `run_date`)
);
--> statement-breakpoint
CREATE TABLE `rfm_scores` (
	`tenant_id` text NOT NULL,
	`run_date` text NOT NULL,
	`customer_id` text NOT NULL,
	`recency_days` integer,
	`frequency` integer NOT NULL,
	`monetary_minor` integer NOT NULL,
	`last_order_date` text,
	`r` integer,
	`f` integer,
	`m` integer,
	`segment` text NOT NULL,
	`previous_segment` text,
	`notified` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`tenant_id`, `run_date`, `customer_id`)
);
--> statement-breakpoint
CREATE INDEX `rfm_scores_segment_idx` ON `rfm_scores` (`tenant_id`,`run_date`,`segment`,`monetary_minor`,`customer_id`);--> statement-breakpoint
CREATE INDEX `rfm_scores_money_idx` ON `rfm_scores` (`tenant_id`,`run_date`,`monetary_minor`,`customer_id`);--> statement-breakpoint
CREATE INDEX `rfm_scores_pending_idx` ON `rfm_scores` (`tenant_id`,`run_date`,`customer_id`) WHERE previous_segment IS NOT NULL AND segment <> previous_segment AND notified = 0;
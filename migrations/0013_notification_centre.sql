CREATE TABLE `notification_deliveries` (
	`tenant_id` text NOT NULL,
	`id` text NOT NULL,
	`notification_id` text NOT NULL,
	`user_id` text NOT NULL,
	`channel` text NOT NULL,
	`subscription_id` text,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at` text,
	`expires_at` text NOT NULL,
	`last_attempt_at` text,
	`response_status` integer,
	`error` text,
	`created_at` text NOT NULL,
	`sent_at` text,
	PRIMARY KEY(`tenant_id`, `id`)
);
--> statement-breakpoint
CREATE INDEX `notification_deliveries_due_idx` ON `notification_deliveries` (`tenant_id`,`status`,`next_attempt_at`);--> statement-breakpoint
CREATE INDEX `notification_deliveries_notification_idx` ON `notification_deliveries` (`tenant_id`,`notification_id`);--> statement-breakpoint
CREATE TABLE `notification_preferences` (
	`tenant_id` text NOT NULL,
	`user_id` text NOT NULL,
	`channels` text NOT NULL,
	`quiet_start` text,
	`quiet_end` text,
	`updated_at` text NOT NULL,
	PRIMARY KEY(`tenant_id`, `user_id`)
);
--> statement-breakpoint
CREATE TABLE `notification_rules` (
	`tenant_id` text NOT NULL,
	`kind` text NOT NULL,
	`enabled` integer NOT NULL,
	`settings` text NOT NULL,
	`updated_at` text NOT NULL,
	`updated_by` text NOT NULL,
	PRIMARY KEY(`tenant_id`, `kind`)
);
--> statement-breakpoint
CREATE TABLE `push_subscriptions` (
	`tenant_id` text NOT NULL,
	`id` text NOT NULL,
	`user_id` text NOT NULL,
	`endpoint` text NOT NULL,
	`p256dh` text NOT NULL,
	`auth` text NOT NULL,
	`user_agent` text,
	`created_at` text NOT NULL,
	`last_sent_at` text,
	PRIMARY KEY(`tenant_id`, `id`)
);
--> statement-breakpoint
CREATE UNIQUE INDEX `push_subscriptions_endpoint_uq` ON `push_subscriptions` (`tenant_id`,`endpoint`);--> statement-breakpoint
CREATE INDEX `push_subscriptions_user_idx` ON `push_subscriptions` (`tenant_id`,`user_id`);--> statement-breakpoint
ALTER TABLE `notifications` ADD `user_id` text;--> statement-breakpoint
ALTER TABLE `notifications` ADD `kind` text DEFAULT 'message' NOT NULL;--> statement-breakpoint
CREATE INDEX `notifications_tenant_user_idx` ON `notifications` (`tenant_id`,`user_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `visits_status_planned_idx` ON `visits` (`status`,`planned_at`);--> statement-breakpoint
-- The notification engine starts at the end of each existing tenant's log: history raises nothing.
INSERT INTO `outbound_cursors` (`tenant_id`, `consumer`, `last_seq`, `updated_at`)
SELECT `tenant_id`, 'notifications', MAX(`seq`), strftime('%Y-%m-%dT%H:%M:%fZ', 'now') FROM `events` GROUP BY `tenant_id`;

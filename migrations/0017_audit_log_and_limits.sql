CREATE TABLE `audit_log` (
	`tenant_id` text NOT NULL,
	`id` text NOT NULL,
	`at` text NOT NULL,
	`action` text NOT NULL,
	`actor_type` text NOT NULL,
	`actor_id` text,
	`entity_type` text,
	`entity_id` text,
	`detail` text NOT NULL,
	`request_id` text,
	`client_ip` text,
	`user_agent` text,
	PRIMARY KEY(`tenant_id`, `id`)
);
--> statement-breakpoint
CREATE INDEX `audit_log_tenant_at_idx` ON `audit_log` (`tenant_id`,`at`,`id`);--> statement-breakpoint
ALTER TABLE `events` ADD `request_id` text;--> statement-breakpoint
ALTER TABLE `events` ADD `client_ip` text;--> statement-breakpoint
ALTER TABLE `events` ADD `user_agent` text;--> statement-breakpoint
ALTER TABLE `tenants` ADD `limits` text;--> statement-breakpoint
-- The audit log is append-only: no statement may change an entry (the retention sweep deletes old ones).
CREATE TRIGGER `audit_log_append_only` BEFORE UPDATE ON `audit_log`
BEGIN
	SELECT RAISE(ABORT, 'audit_log is append-only');
END;

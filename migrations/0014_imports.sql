CREATE TABLE `imports` (
	`tenant_id` text NOT NULL,
	`id` text NOT NULL,
	`created_at` text NOT NULL,
	`updated_at` text NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	`deleted_at` text,
	`kind` text NOT NULL,
	`mode` text NOT NULL,
	`status` text NOT NULL,
	`file_name` text,
	`source` text,
	`total_rows` integer DEFAULT 0 NOT NULL,
	`processed_rows` integer DEFAULT 0 NOT NULL,
	`created_rows` integer DEFAULT 0 NOT NULL,
	`updated_rows` integer DEFAULT 0 NOT NULL,
	`unchanged_rows` integer DEFAULT 0 NOT NULL,
	`failed_rows` integer DEFAULT 0 NOT NULL,
	`errors` text NOT NULL,
	`failure` text,
	`created_by` text NOT NULL,
	`finished_at` text,
	PRIMARY KEY(`tenant_id`, `id`),
	FOREIGN KEY (`tenant_id`) REFERENCES `tenants`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `imports_tenant_created_idx` ON `imports` (`tenant_id`,`created_at`,`id`);--> statement-breakpoint
ALTER TABLE `customers` ADD `external_id` text;--> statement-breakpoint
CREATE UNIQUE INDEX `customers_tenant_external_uq` ON `customers` (`tenant_id`,`external_id`) WHERE deleted_at IS NULL AND external_id IS NOT NULL;